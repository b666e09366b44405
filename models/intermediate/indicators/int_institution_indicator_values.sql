-- Institution-level indicator values before publication: each row gets its period dates, the sector and
-- district of the register version valid on the period's last day, the value computed by the
-- catalogue's value kind, and the small-cell suppression flag (n below the threshold). Rows of
-- institutions that are not in the register for the period are dropped here (a data test reports them).
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

valued as (

    select
        indicator_values.institution_id,
        institution_periods.sector,
        institution_periods.district,
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
        coalesce(indicator_values.n < {{ var('boernedata:suppression_min_n') }}, false) as is_suppressed
    from indicator_values
    inner join catalogue
        on indicator_values.indicator_code = catalogue.indicator_code
    inner join institution_periods
        on
            indicator_values.institution_id = institution_periods.institution_id
            and indicator_values.period_type = institution_periods.period_type
            and indicator_values.period_id = institution_periods.period_id

)

select * from valued
