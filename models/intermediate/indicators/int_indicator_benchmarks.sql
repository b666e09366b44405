-- Pooled benchmarks per district and for the whole municipality (scope 'kommune'), like with like: the
-- indicator's formula applied to all rows of all institutions of the same benchmark group in the scope taken
-- together (sum of numerators / sum of denominators, counts summed) - never an average of institution values.
-- Suppressed institution rows are included, as in the ministry's statistics; only whole periods with a value
-- count. A benchmark exists only where at least `boernedata:benchmark_min_institutions` institutions
-- contribute: with one or two, a district value would repeat or reveal an institution's
-- (docs/publication_rules.md, "No disclosure through a benchmark"), so no row is formed and the
-- institutions' district_value is NULL. Whether a formed benchmark is published is decided by
-- disclosure control (int_disclosure_withheld_cells).
with

institution_values as (

    select * from {{ ref('int_institution_indicator_values') }}
    where has_value and is_whole_period

),

scoped as (

    select
        district as scope,
        *
    from institution_values
    union all
    select
        'kommune' as scope,
        *
    from institution_values

),

pooled as (

    select
        scope,
        benchmark_group,
        sector,
        indicator_code,
        quality_dimension,
        value_kind,
        period_type,
        period_id,
        min(period_start) as period_start,
        max(period_end) as period_end,
        {{ exact_sum('numerator') }} as numerator,
        {{ exact_sum('denominator') }} as denominator,
        sum(n) as n,
        count(distinct institution_id) as n_institutions
    from scoped
    where scope is not null
    group by
        scope, benchmark_group, sector, indicator_code, quality_dimension, value_kind, period_type, period_id

)

select
    scope,
    benchmark_group,
    sector,
    indicator_code,
    quality_dimension,
    value_kind,
    period_type,
    period_id,
    period_start,
    period_end,
    {{ indicator_value('value_kind', 'numerator', 'denominator') }} as value,
    numerator,
    denominator,
    n,
    n_institutions,
    coalesce(n < {{ var('boernedata:suppression_min_n') }}, false) as is_small_cell
from pooled
where n_institutions >= {{ var('boernedata:benchmark_min_institutions') }}
