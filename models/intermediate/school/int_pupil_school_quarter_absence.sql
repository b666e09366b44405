-- One row per pupil, school and calendar quarter (cut to the school year) with the school days enrolled
-- and the unauthorized absent days: the grain of the 15 % rule (sk_unauthorized_15_pupils).
-- Incremental by quarter (macros/incremental.sql): a nightly build recomputes, whole, every quarter that
-- ends on or after BOERNEDATA_INCREMENTAL_SINCE, and keeps the quarters that ended before it.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_quarters_since() }}",
) }}
with

spells as (

    select * from {{ ref('int_pupil_school_spells') }}

),

calendar_days as (

    select * from {{ ref('int_school_calendar_days') }}

),

absence_days as (

    select * from {{ ref('int_pupil_absence_days') }}

),

quarters as (

    select * from {{ ref('int_school_year_quarters') }}
    where {{ is_recomputed('quarter_end') }}

),

enrolled_days as (

    {{ school_days_enrolled(
        'spells', 'calendar_days', 'quarters', ['school_year', 'quarter_id'], 'quarter_start', 'quarter_end'
    ) }}

),

-- the quarter of each absence date, for an equality join with the absence days (the dates from the
-- model, as in int_pupil_school_period_absence)
date_quarters as (

    {{ dates_in_windows(
        ref('int_pupil_absence_days'), 'absence_date', 'quarters', ['school_year', 'quarter_id'],
        'quarter_start', 'quarter_end'
    ) }}

),

unauthorized_days as (

    select
        absence_days.child_key,
        absence_days.school_id,
        date_quarters.school_year,
        date_quarters.quarter_id,
        count(*) as unauthorized_days
    from absence_days
    inner join date_quarters
        on absence_days.absence_date = date_quarters.absence_date
    where absence_days.absence_type = 'U'
    group by
        absence_days.child_key, absence_days.school_id, date_quarters.school_year, date_quarters.quarter_id

)

select
    enrolled_days.child_key,
    enrolled_days.school_id,
    enrolled_days.school_year,
    enrolled_days.quarter_id,
    enrolled_days.school_days,
    coalesce(unauthorized_days.unauthorized_days, 0) as unauthorized_days
from enrolled_days
left join unauthorized_days
    on
        enrolled_days.child_key = unauthorized_days.child_key
        and enrolled_days.school_id = unauthorized_days.school_id
        and enrolled_days.school_year = unauthorized_days.school_year
        and enrolled_days.quarter_id = unauthorized_days.quarter_id
where enrolled_days.school_days > 0
