-- One row per calendar month of the data window (int_data_window): the months the planning marts
-- report (capacity_by_district), each with its last day (the day stocks are counted on) and its
-- half-year (the period a month's cells are protected in, int_planning_disclosure_relations).
with
data_window as (
    select * from {{ ref('int_data_window') }}
),

all_dates as (
    {{ date_series(
        "'" ~ var('boernedata:first_year') ~ "-01-01'",
        "'" ~ var('boernedata:last_year') ~ "-12-31'",
    ) }}
),

month_starts as (
    select all_dates.calendar_date as month_start
    from all_dates
    inner join data_window
        on all_dates.calendar_date between data_window.window_start and data_window.window_end
    where extract(day from all_dates.calendar_date) = 1
)

select
    month_start,
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start')) }} as date) as month_end,
    {{ half_year_of('month_start') }} as half_year_id
from month_starts
