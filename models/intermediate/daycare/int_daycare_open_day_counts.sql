-- One row per daycare/leisure institution and calendar date of the data window (from the earliest
-- enrollment to the last open day the data reach) with a running count of the institution's open days.
-- The open days of an institution in any interval [a, b] are open_days_through(b) - open_days_before(a),
-- so int_daycare_leisure_period_children counts each enrollment piece's open days from two look-ups
-- instead of one row per child and day.
with

enrollments as (

    select * from {{ ref('int_daycare_leisure_enrollments') }}

),

open_days as (

    select * from {{ ref('int_daycare_open_days') }}

),

data_window as (

    -- dates outside hold no open day of an enrolled child, so the running count needs only these
    select
        (select min(start_date) from enrollments) as first_date,
        (select max(open_date) from open_days) as last_date

),

all_dates as (

    {{ date_series(
        "'" ~ var('boernedata:first_year') ~ "-01-01'",
        "'" ~ var('boernedata:last_year') ~ "-12-31'",
    ) }}

),

calendar_dates as (

    select all_dates.calendar_date
    from all_dates
    inner join data_window
        on all_dates.calendar_date between data_window.first_date and data_window.last_date

),

institutions as (

    select distinct institution_id from open_days

),

institution_dates as (

    select
        institutions.institution_id,
        calendar_dates.calendar_date,
        case when open_days.open_date is null then 0 else 1 end as is_open_day
    from institutions
    cross join calendar_dates
    left join open_days
        on
            institutions.institution_id = open_days.institution_id
            and calendar_dates.calendar_date = open_days.open_date

)

{{ running_day_count('institution_dates', 'is_open_day', 'open_days', partition_by='institution_id') }}
