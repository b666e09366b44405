-- The flat table a BI user starts from: every column of institution_indicators plus the labels a report
-- needs, in Danish. The institution's name, district and type come from the register version valid on
-- the period's last day (int_institution_periods: one version per institution and period), so the table
-- has exactly one row per row of institution_indicators - no join a BI user writes can duplicate rows.
with

indicators as (

    select * from {{ ref('int_institution_indicators_disclosed') }}

),

institution_periods as (

    select * from {{ ref('int_institution_periods') }}

),

catalogue as (

    select * from {{ ref('seed_indicator_catalogue') }}

),

institution_types as (

    select * from {{ ref('institution_types') }}

),

benchmark_groups as (

    select distinct
        benchmark_group,
        name_da
    from {{ ref('benchmark_groups') }}

),

quality_dimensions as (

    select * from {{ ref('quality_dimensions') }}

)

select
    indicators.institution_id,
    indicators.sector,
    indicators.benchmark_group,
    indicators.indicator_code,
    indicators.quality_dimension,
    indicators.period_type,
    indicators.period_id,
    indicators.period_start,
    indicators.period_end,
    indicators.value,
    indicators.numerator,
    indicators.denominator,
    indicators.n,
    indicators.is_suppressed,
    indicators.suppression_reason,
    indicators.district_value,
    indicators.municipality_value,
    indicators.previous_value,
    institution_periods.institution_name,
    institution_periods.district,
    institution_types.name_da as institution_type_da,
    benchmark_groups.name_da as benchmark_group_da,
    catalogue.name_da as indicator_name_da,
    quality_dimensions.name_da as quality_dimension_da,
    catalogue.unit,
    catalogue.higher_is_better,
    {{ period_label_da('indicators.period_type', 'indicators.period_id') }} as period_label_da
from indicators
inner join institution_periods
    on
        indicators.institution_id = institution_periods.institution_id
        and indicators.period_id = institution_periods.period_id
inner join catalogue
    on indicators.indicator_code = catalogue.indicator_code
left join institution_types
    on institution_periods.institution_type = institution_types.institution_type
left join benchmark_groups
    on indicators.benchmark_group = benchmark_groups.benchmark_group
left join quality_dimensions
    on indicators.quality_dimension = quality_dimensions.quality_dimension
