-- The sums a reader of the published file can add and subtract (docs/publication_rules.md, "No disclosure by
-- differencing"): one row per (relation_id, cell_id), the parent (the total) and its children (the parts),
-- for each indicator, benchmark group and period.
--   district              a district's value = the sum of its institutions
--   kommune_districts     the municipality = the sum of its districts, where an institution whose
--                         district has no benchmark row (fewer than 3 contributors) stands for itself
--   kommune_institutions  the municipality = the sum of all its institutions
--   period                for indicators additive over periods (catalogue is_period_additive, e.g.
--                         absence): a school year = its H2 + its H1, a calendar year = its H1 + its H2, at
--                         each institution, district and the municipality
-- Every cell of a relation is in the published file unless withheld; a part with no cell at all counts
-- as known (zero) to the reader, which can only make the rule stricter.
with

cells as (

    select * from {{ ref('int_disclosure_cells') }}

),

catalogue as (

    select * from {{ ref('seed_indicator_catalogue') }}

),

institutions as (

    select * from cells
    where scope_level = 'institution'

),

districts as (

    select * from cells
    where scope_level = 'district'

),

municipality as (

    select * from cells
    where scope_level = 'kommune'

),

district_relations as (

    select
        'district|' || districts.cell_id as relation_id,
        districts.cell_id,
        true as is_parent
    from districts
    union all
    select
        'district|' || districts.cell_id as relation_id,
        institutions.cell_id,
        false as is_parent
    from districts
    inner join institutions
        on
            districts.indicator_code = institutions.indicator_code
            and districts.benchmark_group = institutions.benchmark_group
            and districts.period_id = institutions.period_id
            and districts.scope_id = institutions.district

),

municipality_parts as (

    select
        indicator_code,
        benchmark_group,
        period_id,
        cell_id
    from districts
    union all
    select
        institutions.indicator_code,
        institutions.benchmark_group,
        institutions.period_id,
        institutions.cell_id
    from institutions
    left join districts
        on
            institutions.indicator_code = districts.indicator_code
            and institutions.benchmark_group = districts.benchmark_group
            and institutions.period_id = districts.period_id
            and institutions.district = districts.scope_id
    where districts.cell_id is null

),

municipality_relations as (

    select
        'kommune_districts|' || municipality.cell_id as relation_id,
        municipality.cell_id,
        true as is_parent
    from municipality
    union all
    select
        'kommune_districts|' || municipality.cell_id as relation_id,
        municipality_parts.cell_id,
        false as is_parent
    from municipality
    inner join municipality_parts
        on
            municipality.indicator_code = municipality_parts.indicator_code
            and municipality.benchmark_group = municipality_parts.benchmark_group
            and municipality.period_id = municipality_parts.period_id
    union all
    select
        'kommune_institutions|' || municipality.cell_id as relation_id,
        municipality.cell_id,
        true as is_parent
    from municipality
    union all
    select
        'kommune_institutions|' || municipality.cell_id as relation_id,
        institutions.cell_id,
        false as is_parent
    from municipality
    inner join institutions
        on
            municipality.indicator_code = institutions.indicator_code
            and municipality.benchmark_group = institutions.benchmark_group
            and municipality.period_id = institutions.period_id

),

total_periods as (

    select distinct
        period_type,
        period_id
    from cells
    where period_type in ('school_year', 'calendar_year')

),

-- The half-years of a school year (H2 of its first year, H1 of its second) and of a calendar year.
period_parts as (

    select
        period_id as total_period_id,
        left(period_id, 4) || '-H2' as part_period_id
    from total_periods
    where period_type = 'school_year'
    union all
    select
        period_id as total_period_id,
        cast(cast(left(period_id, 4) as integer) + 1 as string) || '-H1' as part_period_id
    from total_periods
    where period_type = 'school_year'
    union all
    select
        period_id as total_period_id,
        period_id || '-H1' as part_period_id
    from total_periods
    where period_type = 'calendar_year'
    union all
    select
        period_id as total_period_id,
        period_id || '-H2' as part_period_id
    from total_periods
    where period_type = 'calendar_year'

),

additive_totals as (

    select cells.*
    from cells
    inner join catalogue
        on cells.indicator_code = catalogue.indicator_code
    where catalogue.is_period_additive and cells.period_type in ('school_year', 'calendar_year')

),

period_relations as (

    select
        'period|' || additive_totals.cell_id as relation_id,
        additive_totals.cell_id,
        true as is_parent
    from additive_totals
    union all
    select
        'period|' || additive_totals.cell_id as relation_id,
        parts.cell_id,
        false as is_parent
    from additive_totals
    inner join period_parts
        on additive_totals.period_id = period_parts.total_period_id
    inner join cells as parts
        on
            additive_totals.scope_level = parts.scope_level
            and additive_totals.scope_id = parts.scope_id
            and additive_totals.indicator_code = parts.indicator_code
            and additive_totals.benchmark_group = parts.benchmark_group
            and period_parts.part_period_id = parts.period_id

),

all_relations as (

    select * from district_relations
    union all
    select * from municipality_relations
    union all
    select * from period_relations

),

-- A relation whose total has no part in the file constrains nothing.
with_parts as (

    select relation_id
    from all_relations
    group by relation_id
    having sum(case when is_parent then 0 else 1 end) > 0

)

select
    all_relations.relation_id,
    split_part(all_relations.relation_id, '|', 1) as relation_kind,
    all_relations.cell_id,
    all_relations.is_parent
from all_relations
inner join with_parts
    on all_relations.relation_id = with_parts.relation_id
