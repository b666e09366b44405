-- The cells disclosure control protects: one row per published cell about persons - an institution's
-- value, or a district's or the municipality's pooled value - per (indicator, benchmark group, period).
-- Only whole periods with a value are cells (nothing else is published). Institution-level indicators
-- (n is NULL: observation scores, budget deviation) are about no person and never withheld, so they are
-- not cells. `is_small_cell` (n below `boernedata:suppression_min_n`) is primary suppression.
with

institution_values as (

    select * from {{ ref('int_institution_indicator_values') }}
    where has_value and is_whole_period and n is not null

),

benchmarks as (

    select * from {{ ref('int_indicator_benchmarks') }}
    where n is not null

),

cells as (

    select
        'institution' as scope_level,
        institution_id as scope_id,
        district,
        indicator_code,
        benchmark_group,
        period_type,
        period_id,
        n,
        is_small_cell
    from institution_values

    union all

    select
        case when scope = 'kommune' then 'kommune' else 'district' end as scope_level,
        scope as scope_id,
        case when scope = 'kommune' then null else scope end as district,
        indicator_code,
        benchmark_group,
        period_type,
        period_id,
        n,
        is_small_cell
    from benchmarks

)

select
    {{ disclosure_cell_id(
        'scope_level', 'scope_id', 'indicator_code', 'benchmark_group', 'period_id'
    ) }} as cell_id,
    scope_level,
    scope_id,
    district,
    indicator_code,
    benchmark_group,
    period_type,
    period_id,
    n,
    is_small_cell,
    -- ties on n are broken towards the lower level: an institution before its district
    case scope_level when 'institution' then 1 when 'district' then 2 else 3 end as level_rank
from cells
