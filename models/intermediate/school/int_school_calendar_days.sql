-- One row per calendar date of the reporting years with a running count of school days. The number of
-- school days in any interval [a, b] is then school_days_through(b) - school_days_before(a): two
-- equality look-ups instead of one row per pupil and school day (about 36 M rows at Copenhagen's scale).
with

school_days as (

    -- All municipal schools share the calendar; distinct guards against a date listed twice.
    select distinct school_date from {{ ref('stg_skoleadm__school_days') }}

),

calendar_dates as (

    {{ date_series(
        "'" ~ var('boernedata:first_year') ~ "-01-01'",
        "'" ~ var('boernedata:last_year') ~ "-12-31'",
    ) }}

),

flagged as (

    select
        calendar_dates.calendar_date,
        case when school_days.school_date is null then 0 else 1 end as is_school_day
    from calendar_dates
    left join school_days
        on calendar_dates.calendar_date = school_days.school_date

)

{{ running_day_count('flagged', 'is_school_day', 'school_days') }}
