-- Places needed per district, age band and forecast year (docs/planning.md, "Forecast"), from the newest
-- population forecast. Coverage, places needed and the gap rest on today's enrolled children of the
-- district and band; where they are fewer than 5 (int_planning_withheld_cells) the three are NULL.
with
forecast as (
    select * from {{ ref('int_capacity_forecast') }}
),

withheld as (
    select * from {{ ref('int_planning_withheld_cells') }}
    where is_withheld
),

flagged as (
    select
        forecast.*,
        withheld.cell_id is not null as is_suppressed
    from forecast
    left join withheld
        on
            withheld.cell_id = 'forecast_coverage|' || forecast.district || '|' || forecast.age_band || '|'
            || cast(forecast.year as string)
)

select
    cast(district as string) as district,
    cast(age_band as string) as age_band,
    cast(year as integer) as year,
    cast(children_expected as bigint) as children_expected,
    cast(
        case when not is_suppressed then {{ round_double('coverage_pct', 1) }} end
        as double
    ) as coverage_pct,
    cast(case when not is_suppressed then places_needed end as bigint) as places_needed,
    cast(places_available as double) as places_available,
    cast(case when not is_suppressed then gap end as double) as gap,
    cast(forecast_made_year as integer) as forecast_made_year,
    cast(reference_date as date) as reference_date,
    is_suppressed
from flagged
