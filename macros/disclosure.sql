{#- Disclosure control (models/intermediate/disclosure/): the macros its models and its stability test share. -#}

{#- The key of a disclosure cell: scope level, scope, indicator, benchmark group and period. -#}
{% macro disclosure_cell_id(scope_level, scope_id, indicator_code, benchmark_group, period_id) -%}
    {{ scope_level }} || '|' || {{ scope_id }} || '|' || {{ indicator_code }} || '|' || {{ benchmark_group }} || '|' || {{ period_id }}
{%- endmacro %}

{#- The relations that break the rule in a state of withheld cells (a relation with columns cell_id,
    is_withheld, n, level_rank): one row per (relation_id) whose published cells give a withheld figure
    away. A relation (parent = the sum of its children) with published cells must hold none or at least
    two withheld cells, and when its parent is published its withheld children must cover at least
    `boernedata:suppression_min_n` persons together (two withheld cells of 1 and 2 pupils would reveal
    a group of 3). -#}
{% macro disclosure_violations(relations, state) -%}
    select relation_id
    from (
        select
            relations.relation_id,
            sum(case when state.is_withheld then 1 else 0 end) as withheld_cells,
            sum(case when state.is_withheld then 0 else 1 end) as published_cells,
            max(case when relations.is_parent and state.is_withheld then 1 else 0 end) as parent_withheld,
            sum(case when state.is_withheld and not relations.is_parent then state.n else 0 end)
                as withheld_children_n
        from {{ relations }} as relations
        inner join {{ state }} as state
            on relations.cell_id = state.cell_id
        group by relations.relation_id
    ) as relation_stats
    where
        published_cells > 0
        and (
            withheld_cells = 1
            or (
                parent_withheld = 0
                and withheld_cells >= 2
                and withheld_children_n < {{ var('boernedata:suppression_min_n') }}
            )
        )
{%- endmacro %}

{#- The cells a round withholds: for each relation that breaks the rule (`violations`, from
    disclosure_violations), its published cell with the smallest n (ties: the lower level, then the cell
    id), so the least information is lost. -#}
{% macro disclosure_picks(violations, relations, state) -%}
    select distinct cell_id
    from (
        select
            candidates.cell_id,
            row_number() over (
                partition by relations.relation_id
                order by candidates.n, candidates.level_rank, candidates.cell_id
            ) as preference
        from {{ violations }} as violations
        inner join {{ relations }} as relations
            on violations.relation_id = relations.relation_id
        inner join {{ state }} as candidates
            on relations.cell_id = candidates.cell_id
        where not candidates.is_withheld
    ) as ranked
    where preference = 1
{%- endmacro %}

{#- Links a state leaves unsatisfied: a withheld cell whose linked cell is still published. -#}
{% macro disclosure_open_links(links, state) -%}
    select links.to_cell_id as cell_id
    from {{ links }} as links
    inner join {{ state }} as from_state
        on links.from_cell_id = from_state.cell_id
    inner join {{ state }} as to_state
        on links.to_cell_id = to_state.cell_id
    where from_state.is_withheld and not to_state.is_withheld
{%- endmacro %}

{#- `materialized` where the engine knows the CTE hint (DuckDB, PostgreSQL): the rounds of disclosure
    control read each state several times, and inlining them would repeat the work of every round. -#}
{% macro cte_materialized() -%}
    {{ return(adapter.dispatch('cte_materialized', 'boernedata')()) }}
{%- endmacro %}

{% macro default__cte_materialized() -%}
    materialized
{%- endmacro %}

{% macro spark__cte_materialized() -%}
{%- endmacro %}
