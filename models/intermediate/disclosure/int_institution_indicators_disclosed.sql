-- The institution indicators as they are published (marts institution_indicators and
-- institution_indicators_labelled select from here): one row per (institution_id, indicator_code,
-- period_id) for the whole periods with a value, with the like-for-like district and municipality
-- benchmarks and the previous period's value. A withheld cell (disclosure control: n < 5, or
-- complementary so that no suppressed figure can be recovered by subtraction) has value, numerator,
-- denominator and n NULL; every column that repeats a withheld cell (district_value,
-- municipality_value, previous_value) is NULL too.
with

institution_values as (

    select * from {{ ref('int_institution_indicator_values') }}
    where has_value and is_whole_period

),

withheld_cells as (

    select * from {{ ref('int_disclosure_withheld_cells') }}

),

benchmarks as (

    select * from {{ ref('int_indicator_benchmarks_disclosed') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

published as (

    select
        institution_values.institution_id,
        institution_values.sector,
        institution_values.benchmark_group,
        institution_values.district,
        institution_values.indicator_code,
        institution_values.quality_dimension,
        institution_values.period_type,
        institution_values.period_id,
        institution_values.period_start,
        institution_values.period_end,
        coalesce(withheld_cells.is_withheld, false) as is_suppressed,
        withheld_cells.suppression_reason,
        institution_values.unsuppressed_value,
        institution_values.numerator,
        institution_values.denominator,
        institution_values.n
    from institution_values
    left join withheld_cells
        on
            withheld_cells.scope_level = 'institution'
            and institution_values.institution_id = withheld_cells.scope_id
            and institution_values.indicator_code = withheld_cells.indicator_code
            and institution_values.period_id = withheld_cells.period_id

),

final as (

    select
        published.institution_id,
        published.sector,
        published.benchmark_group,
        published.district,
        published.indicator_code,
        published.quality_dimension,
        published.period_type,
        published.period_id,
        published.period_start,
        published.period_end,
        case when not published.is_suppressed then published.unsuppressed_value end as value,
        case when not published.is_suppressed then published.numerator end as numerator,
        case when not published.is_suppressed then published.denominator end as denominator,
        case when not published.is_suppressed then published.n end as n,
        published.is_suppressed,
        published.suppression_reason,
        district_benchmarks.value as district_value,
        municipality_benchmarks.value as municipality_value,
        case when not previous.is_suppressed then previous.unsuppressed_value end as previous_value
    from published
    inner join periods
        on
            published.period_type = periods.period_type
            and published.period_id = periods.period_id
    left join benchmarks as district_benchmarks
        on
            district_benchmarks.scope != 'kommune'
            and published.district = district_benchmarks.scope
            and published.benchmark_group = district_benchmarks.benchmark_group
            and published.indicator_code = district_benchmarks.indicator_code
            and published.period_id = district_benchmarks.period_id
    left join benchmarks as municipality_benchmarks
        on
            municipality_benchmarks.scope = 'kommune'
            and published.benchmark_group = municipality_benchmarks.benchmark_group
            and published.indicator_code = municipality_benchmarks.indicator_code
            and published.period_id = municipality_benchmarks.period_id
    left join published as previous
        on
            published.institution_id = previous.institution_id
            and published.indicator_code = previous.indicator_code
            and periods.previous_period_id = previous.period_id

)

select * from final
