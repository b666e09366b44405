-- Master data for a period: the register version valid on the period's last day (docs/publication_rules.md),
-- one row per institution and period. Benchmarks use this district; capacity and area indicators use
-- these normed places and m². Periods before an institution's first version get no row. The benchmark
-- group (seed benchmark_groups) is the group of the type in that version: benchmarks compare like with like.
with

versions as (

    select * from {{ ref('int_institution_versions') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

benchmark_groups as (

    select * from {{ ref('benchmark_groups') }}

)

select
    versions.institution_id,
    periods.period_type,
    periods.period_id,
    periods.period_start,
    periods.period_end,
    versions.institution_name,
    versions.institution_type,
    versions.sector,
    benchmark_groups.benchmark_group,
    versions.ownership,
    versions.district,
    versions.normed_places,
    versions.play_area_m2,
    versions.cost_centre,
    versions.parent_institution_id
from versions
inner join periods
    on
        versions.valid_from <= periods.period_end
        and (versions.valid_to is null or versions.valid_to >= periods.period_end)
left join benchmark_groups
    on versions.institution_type = benchmark_groups.institution_type
