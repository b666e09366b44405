-- What: a published district or municipality value rests on at least the minimum number of contributing
--   institutions (boernedata:benchmark_min_institutions) of the same benchmark group, indicator and period.
-- Why: with one or two contributors a benchmark next to a suppressed institution value discloses it
--   (docs/publication_rules.md, "No disclosure through a benchmark").
-- Resolve: check int_indicator_benchmarks' withholding and which institutions have a value before
--   suppression (has_value) in int_institution_indicator_values.
with

institution_values as (

    select * from {{ ref('int_institution_indicator_values') }}
    where has_value and is_whole_period

),

benchmarks as (

    select * from {{ ref('municipality_indicators') }}

),

contributors as (

    select
        scope,
        benchmark_group,
        indicator_code,
        period_id,
        count(distinct institution_id) as n_institutions
    from (
        select
            district as scope,
            benchmark_group,
            indicator_code,
            period_id,
            institution_id
        from institution_values
        union all
        select
            'kommune' as scope,
            benchmark_group,
            indicator_code,
            period_id,
            institution_id
        from institution_values
    ) as scoped
    group by scope, benchmark_group, indicator_code, period_id

)

select
    benchmarks.scope,
    benchmarks.benchmark_group,
    benchmarks.indicator_code,
    benchmarks.period_id,
    coalesce(contributors.n_institutions, 0) as n_institutions
from benchmarks
left join contributors
    on
        benchmarks.scope = contributors.scope
        and benchmarks.benchmark_group = contributors.benchmark_group
        and benchmarks.indicator_code = contributors.indicator_code
        and benchmarks.period_id = contributors.period_id
where coalesce(contributors.n_institutions, 0) < {{ var('boernedata:benchmark_min_institutions') }}
