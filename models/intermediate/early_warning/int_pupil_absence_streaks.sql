-- One row per pupil, school and school year with at least one absent day: the longest run of
-- consecutive absent school days (any type). Weekends and holidays do not break a run: days are numbered
-- by the school-day count of the calendar, so absent days whose numbers minus their rank are equal form
-- one unbroken run (gaps and islands).
with

absence_days as (

    select * from {{ ref('int_pupil_absence_days') }}

),

calendar_days as (

    select * from {{ ref('int_school_calendar_days') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_type = 'school_year'

),

numbered as (

    select
        absence_days.child_key,
        absence_days.school_id,
        periods.period_id as school_year,
        calendar_days.school_days_through
        - row_number() over (
            partition by absence_days.child_key, absence_days.school_id, periods.period_id
            order by absence_days.absence_date
        ) as run_id
    from absence_days
    inner join calendar_days
        on absence_days.absence_date = calendar_days.calendar_date
    inner join periods
        on absence_days.absence_date between periods.period_start and periods.period_end

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
