-- Institution-level indicator values before publication: each row gets its period dates, the sector,
-- district and benchmark group of the register version valid on the period's last day, the value computed
-- by the catalogue's value kind, whether the data cover the whole period (int_indicator_period_coverage),
-- and whether n is below the small-cell threshold. Rows of institutions that are not in the register for
-- the period are dropped here (a data test reports them). Publication takes the whole periods with a
-- value; disclosure control (models/intermediate/disclosure/) decides what is withheld.
with

indicator_values as (

    select * from {{ ref('int_indicator_values') }}

),

catalogue as (

    select * from {{ ref('seed_indicator_catalogue') }}

),

institution_periods as (

    select * from {{ ref('int_institution_periods') }}

),

coverage as (

    select * from {{ ref('int_indicator_period_coverage') }}

),

valued as (

    select
        indicator_values.institution_id,
        institution_periods.sector,
        institution_periods.district,
        institution_periods.benchmark_group,
        indicator_values.indicator_code,
        catalogue.quality_dimension,
        catalogue.value_kind,
        indicator_values.period_type,
        indicator_values.period_id,
        institution_periods.period_start,
        institution_periods.period_end,
        indicator_values.numerator,
        indicator_values.denominator,
        indicator_values.n,
        {{ indicator_value(
            'catalogue.value_kind', 'indicator_values.numerator', 'indicator_values.denominator'
        ) }} as unsuppressed_value,
        {{ indicator_has_value(
            'catalogue.value_kind', 'indicator_values.numerator', 'indicator_values.denominator'
        ) }} as has_value,
        coalesce(coverage.is_whole_period, false) as is_whole_period,
        coalesce(indicator_values.n < {{ var('boernedata:suppression_min_n') }}, false) as is_small_cell
    from indicator_values
    inner join catalogue
        on indicator_values.indicator_code = catalogue.indicator_code
    inner join institution_periods
        on
            indicator_values.institution_id = institution_periods.institution_id
            and indicator_values.period_type = institution_periods.period_type
            and indicator_values.period_id = institution_periods.period_id
    left join coverage
        on
            indicator_values.indicator_code = coverage.indicator_code
            and indicator_values.period_id = coverage.period_id

)

select * from valued
