-- The published indicator table: one row per (institution_id, indicator_code, period_id), with the
-- district and municipality benchmarks and the previous period's value. Values with n below the
-- suppression threshold are NULL together with their numerator and denominator (is_suppressed = true).
with

institution_values as (

    select * from {{ ref('int_institution_indicator_values') }}

),

benchmarks as (

    select * from {{ ref('int_indicator_benchmarks') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

published as (

    select
        institution_id,
        sector,
        district,
        indicator_code,
        quality_dimension,
        period_type,
        period_id,
        period_start,
        period_end,
        case when not is_suppressed then unsuppressed_value end as value,
        case when not is_suppressed then numerator end as numerator,
        case when not is_suppressed then denominator end as denominator,
        n,
        is_suppressed
    from institution_values

),

final as (

    select
        published.institution_id,
        published.sector,
        published.indicator_code,
        published.quality_dimension,
        published.period_type,
        published.period_id,
        published.period_start,
        published.period_end,
        published.value,
        published.numerator,
        published.denominator,
        published.n,
        published.is_suppressed,
        district_benchmarks.value as district_value,
        municipality_benchmarks.value as municipality_value,
        previous.value as previous_value
    from published
    inner join periods
        on
            published.period_type = periods.period_type
            and published.period_id = periods.period_id
    left join benchmarks as district_benchmarks
        on
            published.district = district_benchmarks.scope
            and published.indicator_code = district_benchmarks.indicator_code
            and published.period_id = district_benchmarks.period_id
    left join benchmarks as municipality_benchmarks
        on
            municipality_benchmarks.scope = 'kommune'
            and published.indicator_code = municipality_benchmarks.indicator_code
            and published.period_id = municipality_benchmarks.period_id
    left join published as previous
        on
            published.institution_id = previous.institution_id
            and published.indicator_code = previous.indicator_code
            and periods.previous_period_id = previous.period_id

)

select * from final
