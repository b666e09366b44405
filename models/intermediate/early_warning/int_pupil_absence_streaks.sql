-- One row per pupil, school and school year with at least one absent day: the longest run of
-- consecutive absent school days (any type). Weekends and holidays do not break a run: days are numbered
-- by the school-day count of the calendar, so absent days whose numbers minus their rank are equal form
-- one unbroken run (gaps and islands). The school year comes from the date (macro school_year_of), not
-- from a range join.
-- Incremental by school year (macros/incremental.sql): a nightly build recomputes, whole, the school years
-- from the one BOERNEDATA_INCREMENTAL_SINCE falls in, and keeps the earlier ones.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_school_years_since() }}",
) }}
with

absence_days as (

    select * from {{ ref('int_pupil_absence_days') }}

),

calendar_days as (

    select * from {{ ref('int_school_calendar_days') }}

),

dated as (

    select
        absence_days.child_key,
        absence_days.school_id,
        {{ school_year_of('absence_days.absence_date') }} as school_year,
        absence_days.absence_date,
        calendar_days.school_days_through
    from absence_days
    inner join calendar_days
        on absence_days.absence_date = calendar_days.calendar_date
    where {{ is_recomputed_school_year(school_year_of('absence_days.absence_date')) }}

),

numbered as (

    select
        child_key,
        school_id,
        school_year,
        school_days_through
        - row_number() over (partition by child_key, school_id, school_year order by absence_date) as run_id
    from dated

),

runs as (

    select
        child_key,
        school_id,
        school_year,
        count(*) as run_days
    from numbered
    group by child_key, school_id, school_year, run_id

)

select
    child_key,
    school_id,
    school_year,
    max(run_days) as longest_absence_streak
from runs
group by child_key, school_id, school_year
