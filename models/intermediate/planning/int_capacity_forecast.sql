-- Places needed per district, age band and year, from the newest population forecast (the file with the
-- highest forecast_made_year), for the `boernedata:forecast_years` years after the year it was made.
-- "Today" is the last month end of the data window (reference_date):
--   coverage_pct       100 x children of the band enrolled in the district's daycare on the reference
--                      date / children of the band's ages the forecast counts in the district in the
--                      reference date's year (NULL when it counts none). A child enrolled in another
--                      district's institution counts where it is enrolled: coverage is the share of the
--                      district's children the district's places hold, and can exceed 100 %.
--   places_needed      children_expected x coverage, rounded up to whole places
--   places_available   normed places on the reference date of the institutions serving the band (seed
--                      daycare_type_age_bands); a type serving two bands (integreret) splits each
--                      institution's places by its enrolled age mix that day (equally without children)
--   gap                places_needed - places_available: positive = places missing, negative = spare
with
forecast as (
    select * from {{ ref('stg_prognose__population_forecast') }}
),

age_bands as (
    select * from {{ ref('play_area_minimums') }}
),

type_bands as (
    select * from {{ ref('daycare_type_age_bands') }}
),

enrolled as (
    select * from {{ ref('int_daycare_enrolled_month_ends') }}
),

versions as (
    select * from {{ ref('int_institution_versions') }}
    where sector = 'dagtilbud'
),

reference as (
    select max(month_end) as reference_date
    from {{ ref('int_planning_months') }}
),

newest_forecast as (
    select forecast.*
    from forecast
    where forecast.forecast_made_year = (select max(latest.forecast_made_year) from forecast as latest)
),

band_forecast as (
    select
        newest_forecast.district,
        age_bands.age_band,
        newest_forecast.forecast_year,
        newest_forecast.forecast_made_year,
        sum(newest_forecast.children) as children
    from newest_forecast
    inner join age_bands
        on newest_forecast.age_years between age_bands.min_age_years and age_bands.max_age_years
    group by
        newest_forecast.district,
        age_bands.age_band,
        newest_forecast.forecast_year,
        newest_forecast.forecast_made_year
),

enrolled_today as (
    select
        enrolled.institution_id,
        enrolled.district,
        enrolled.institution_type,
        enrolled.age_band,
        enrolled.enrolled_children
    from enrolled
    inner join reference
        on enrolled.month_end = reference.reference_date
),

district_enrolled as (
    select
        district,
        age_band,
        sum(enrolled_children) as enrolled_children
    from enrolled_today
    group by district, age_band
),

institutions_today as (
    select
        versions.institution_id,
        versions.district,
        versions.institution_type,
        versions.normed_places
    from versions
    cross join reference
    where
        versions.valid_from <= reference.reference_date
        and (versions.valid_to is null or versions.valid_to >= reference.reference_date)
        and versions.opened_date <= reference.reference_date
        and (versions.closed_date is null or versions.closed_date >= reference.reference_date)
),

institution_bands as (
    select
        institutions_today.institution_id,
        institutions_today.district,
        institutions_today.normed_places,
        type_bands.age_band,
        count(*) over (partition by institutions_today.institution_id) as bands_served,
        coalesce(enrolled_today.enrolled_children, 0) as band_children,
        sum(coalesce(enrolled_today.enrolled_children, 0)) over (
            partition by institutions_today.institution_id
        ) as served_children
    from institutions_today
    inner join type_bands
        on institutions_today.institution_type = type_bands.institution_type
    left join enrolled_today
        on
            institutions_today.institution_id = enrolled_today.institution_id
            and type_bands.age_band = enrolled_today.age_band
),

band_places as (
    select
        district,
        age_band,
        {{ exact_sum(
            'case when served_children > 0 then normed_places * band_children / served_children'
            ~ ' else cast(normed_places as double) / bands_served end'
        ) }} as places_available
    from institution_bands
    group by district, age_band
),

today_children as (
    select
        band_forecast.district,
        band_forecast.age_band,
        band_forecast.children
    from band_forecast
    cross join reference
    where band_forecast.forecast_year = extract(year from reference.reference_date)
),

coverage as (
    select
        today_children.district,
        today_children.age_band,
        today_children.children as today_children,
        coalesce(district_enrolled.enrolled_children, 0) as enrolled_children,
        case
            when today_children.children > 0
                then
                    100 * cast(coalesce(district_enrolled.enrolled_children, 0) as double)
                    / today_children.children
        end as coverage_pct
    from today_children
    left join district_enrolled
        on
            today_children.district = district_enrolled.district
            and today_children.age_band = district_enrolled.age_band
),

future as (
    select band_forecast.*
    from band_forecast
    where
        band_forecast.forecast_year > band_forecast.forecast_made_year
        and band_forecast.forecast_year
        <= band_forecast.forecast_made_year + {{ var('boernedata:forecast_years') }}
),

places as (
    -- children x enrolled / today's children, rounded up: the product is a whole number far below 2^53, so
    -- its double and the quotient are exact at whole values (no 20.000001 rounded up to 21)
    select
        future.district,
        future.age_band,
        future.forecast_year,
        case
            when coverage.today_children > 0
                then
                    cast(
                        ceil(
                            cast(future.children * coverage.enrolled_children as double)
                            / coverage.today_children
                        )
                        as bigint
                    )
        end as places_needed,
        {{ round_double('coalesce(band_places.places_available, 0)', 1) }} as places_available
    from future
    left join coverage
        on
            future.district = coverage.district
            and future.age_band = coverage.age_band
    left join band_places
        on
            future.district = band_places.district
            and future.age_band = band_places.age_band
)

select
    future.district,
    future.age_band,
    future.forecast_year as year,
    future.children as children_expected,
    coverage.coverage_pct,
    places.places_needed,
    places.places_available,
    places.places_needed - places.places_available as gap,
    future.forecast_made_year,
    reference.reference_date,
    coalesce(coverage.enrolled_children, 0) as enrolled_children
from future
cross join reference
left join coverage
    on
        future.district = coverage.district
        and future.age_band = coverage.age_band
left join places
    on
        future.district = places.district
        and future.age_band = places.age_band
        and future.forecast_year = places.forecast_year
