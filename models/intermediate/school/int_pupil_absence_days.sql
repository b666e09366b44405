-- The absence truth: one row per pupil and absent school day with the absence type that counts. Only
-- registrations on a school day within the pupil's enrollment at the registering school are kept (a
-- registration on a holiday or at a school the pupil does not attend that day counts nowhere, so it
-- cannot override the real one). Of those, the latest registered_at per (pupil, date) is the truth: a
-- later row is a correction (docs/raw_extracts.md §7), even when re-registered by the other school on
-- the day of a school change.
-- Incremental (macros/incremental.sql): a nightly build recomputes only the days from
-- BOERNEDATA_INCREMENTAL_SINCE on.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_since('absence_date') }}",
) }}
with

absences as (

    select * from {{ ref('stg_skoleadm__absences') }}
    where {{ is_recomputed('absence_date') }}

),

spells as (

    select * from {{ ref('int_pupil_school_spells') }}

),

calendar_days as (

    select * from {{ ref('int_school_calendar_days') }}

),

registrations_in_enrollment as (

    select
        absences.child_key,
        absences.school_id,
        absences.absence_date,
        absences.absence_type,
        absences.registered_at,
        absences.loaded_at,
        absences.source_file,
        absences.source_line
    from absences
    inner join calendar_days
        on
            absences.absence_date = calendar_days.calendar_date
            and calendar_days.is_school_day
    inner join spells
        on
            absences.child_key = spells.child_key
            and absences.school_id = spells.school_id
            and absences.absence_date >= spells.start_date
            and (spells.end_date is null or absences.absence_date <= spells.end_date)

),

ranked as (

    select
        child_key,
        school_id,
        absence_date,
        absence_type,
        registered_at,
        row_number() over (
            partition by child_key, absence_date
            -- ties (same timestamp) go to the most recently delivered row
            order by registered_at desc, loaded_at desc, source_file desc, source_line desc
        ) as registration_rank
    from registrations_in_enrollment

)

select
    child_key,
    school_id,
    absence_date,
    absence_type,
    registered_at
from ranked
where registration_rank = 1
