-- One row per daycare or leisure institution and open day (docs/raw_extracts.md §5): Monday-Friday,
-- minus the Danish public holidays of the seed, minus the institution's own closing days. Days run from
-- the institution's opening (or the first reporting year) to the date of the latest KBH Barn enrollment
-- snapshot, the day the data reaches: later days are not open days we know anything about yet.
with

institutions as (

    select
        institutions.institution_id,
        institutions.opened_date,
        institutions.closed_date
    from {{ ref('int_institutions_latest') }} as institutions
    inner join {{ ref('institution_types') }} as type_lookup
        on institutions.institution_type = type_lookup.institution_type
    where type_lookup.sector in ('dagtilbud', 'fritid')

),

data_horizon as (

    select max(snapshot_date) as last_date from {{ ref('stg_kbhbarn__enrollments') }}

),

calendar_dates as (

    {{ date_series(
        "'" ~ var('boernedata:first_year') ~ "-01-01'",
        "'" ~ var('boernedata:last_year') ~ "-12-31'",
    ) }}

),

holidays as (

    -- Two holidays can share a date (grundlovsdag on a pinse day): distinct.
    select distinct holiday_date
    from {{ ref('danish_public_holidays') }}
    where is_daycare_closed

),

weekdays as (

    select calendar_dates.calendar_date
    from calendar_dates
    cross join data_horizon
    left join holidays
        on calendar_dates.calendar_date = holidays.holiday_date
    where
        {{ iso_day_of_week('calendar_dates.calendar_date') }} <= 5
        and holidays.holiday_date is null
        and calendar_dates.calendar_date <= data_horizon.last_date

),

closing_days as (

    select distinct
        institution_id,
        closing_date
    from {{ ref('stg_kbhbarn__closing_days') }}

)

select
    institutions.institution_id,
    weekdays.calendar_date as open_date
from institutions
inner join weekdays
    on
        institutions.opened_date <= weekdays.calendar_date
        and (institutions.closed_date is null or institutions.closed_date >= weekdays.calendar_date)
left join closing_days
    on
        institutions.institution_id = closing_days.institution_id
        and weekdays.calendar_date = closing_days.closing_date
where closing_days.closing_date is null
