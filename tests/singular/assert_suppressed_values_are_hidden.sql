-- What: every withheld cell of the published indicator tables is NULL in value, numerator, denominator
--   and n and carries its reason; every published cell has n of at least the suppression threshold; and
--   no column that repeats another cell (district_value, municipality_value, previous_value) shows a
--   withheld figure.
-- Why: small cells identify children (n < 5 is the ministry's discretion rule). A numerator, an n (for a
--   count it is the value) or a benchmark column beside a NULL value would give the withheld number away.
-- Resolve: check int_disclosure_withheld_cells (which cells are withheld and why) and the disclosed models
--   int_institution_indicators_disclosed / int_indicator_benchmarks_disclosed that apply it.
with

institution_rows as (

    select * from {{ ref('institution_indicators') }}

),

benchmark_rows as (

    select * from {{ ref('municipality_indicators') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

bad_cells as (

    select
        'institution ' || institution_id as cell,
        indicator_code,
        period_id,
        'withheld figure shown, or reason inconsistent, or small cell published' as problem
    from institution_rows
    where
        (
            is_suppressed
            and (value is not null or numerator is not null or denominator is not null or n is not null)
        )
        or (is_suppressed != (suppression_reason is not null))
        or (not is_suppressed and n < {{ var('boernedata:suppression_min_n') }})
    union all
    select
        scope || ' ' || benchmark_group as cell,
        indicator_code,
        period_id,
        'withheld benchmark shown, or reason inconsistent, or small benchmark published' as problem
    from benchmark_rows
    where
        (
            is_suppressed
            and (value is not null or numerator is not null or denominator is not null or n is not null)
        )
        or (is_suppressed != (suppression_reason is not null))
        or (not is_suppressed and n < {{ var('boernedata:suppression_min_n') }})

),

repeated as (

    select
        'institution ' || institution_row.institution_id as cell,
        institution_row.indicator_code,
        institution_row.period_id,
        'previous_value repeats a withheld or unpublished cell' as problem
    from institution_rows as institution_row
    inner join periods
        on institution_row.period_type = periods.period_type and institution_row.period_id = periods.period_id
    left join institution_rows as previous
        on
            institution_row.institution_id = previous.institution_id
            and institution_row.indicator_code = previous.indicator_code
            and periods.previous_period_id = previous.period_id
    where
        institution_row.previous_value is not null
        and (previous.value is null or previous.value != institution_row.previous_value)
    union all
    select
        'institution ' || institution_row.institution_id as cell,
        institution_row.indicator_code,
        institution_row.period_id,
        'municipality_value repeats no published municipality value' as problem
    from institution_rows as institution_row
    left join benchmark_rows as municipality
        on
            municipality.scope = 'kommune'
            and institution_row.benchmark_group = municipality.benchmark_group
            and institution_row.indicator_code = municipality.indicator_code
            and institution_row.period_id = municipality.period_id
    where
        institution_row.municipality_value is not null
        and (municipality.value is null or municipality.value != institution_row.municipality_value)
    union all
    select
        'institution ' || institution_row.institution_id as cell,
        institution_row.indicator_code,
        institution_row.period_id,
        'district_value repeats no published district value of the group' as problem
    from institution_rows as institution_row
    where
        institution_row.district_value is not null
        and not exists (
            select 1
            from benchmark_rows as district
            where
                district.scope != 'kommune'
                and district.benchmark_group = institution_row.benchmark_group
                and district.indicator_code = institution_row.indicator_code
                and district.period_id = institution_row.period_id
                and district.value = institution_row.district_value
        )

)

select * from bad_cells
union all
select * from repeated
