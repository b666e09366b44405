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

{#- Whether the rounds read each state once (`disclosure_next_state`) instead of through the CTEs
    violations_k, picks_k and newly_withheld_k. Spark inlines every CTE reference while it analyses a
    query, so a state read four times a round grows as 4^rounds (out of memory from the third round on);
    DuckDB and PostgreSQL materialize the CTEs and keep the plainer form. -#}
{% macro disclosure_single_reference_rounds() -%}
    {{ return(adapter.dispatch('disclosure_single_reference_rounds', 'boernedata')()) }}
{%- endmacro %}

{% macro default__disclosure_single_reference_rounds() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro spark__disclosure_single_reference_rounds() -%}
    {{ return(true) }}
{%- endmacro %}

{#- One round of the disclosure rounds as one query that reads the previous state once: the same cells
    and values as violations_k (disclosure_violations), picks_k (disclosure_picks) and, when `links` is
    given, newly_withheld_k. Per relation (window functions over the state joined to `relations`): does
    it break the rule, and which published cell has the smallest n (then level_rank, then cell id); per
    cell: picked by any relation; then every cell passes its status to itself and along `links` (a cell
    linked from a withheld or picked cell is withheld too), and the cells of `cells` are grouped again. -#}
{% macro disclosure_next_state(cells, relations, links, previous, round) -%}
    select
        targets.to_cell_id as cell_id,
        max(case when targets.is_self then source.n end) as n,
        max(case when targets.is_self then source.level_rank end) as level_rank,
        bool_or(targets.is_self and source.was_withheld)
        or bool_or(case when targets.is_self then source.is_picked else source.was_withheld or source.is_picked end)
            as is_withheld,
        case
            when bool_or(targets.is_self and source.was_withheld)
                then max(case when targets.is_self then source.withheld_in_round end)
            when bool_or(case when targets.is_self then source.is_picked else source.was_withheld or source.is_picked end)
                then {{ round }}
        end as withheld_in_round
    from (
        select
            cell_id,
            n,
            level_rank,
            was_withheld,
            withheld_in_round,
            bool_or(is_picked) as is_picked
        from (
            select
                cell_id,
                n,
                level_rank,
                was_withheld,
                withheld_in_round,
                coalesce(
                    relation_id is not null
                    and not was_withheld
                    and published_cells > 0
                    and (
                        withheld_cells = 1
                        or (
                            parent_withheld = 0
                            and withheld_cells >= 2
                            and withheld_children_n < {{ var('boernedata:suppression_min_n') }}
                        )
                    )
                    and preference = 1,
                    false
                ) as is_picked
            from (
                select
                    state.cell_id,
                    state.n,
                    state.level_rank,
                    state.is_withheld as was_withheld,
                    state.withheld_in_round,
                    relations.relation_id,
                    sum(case when state.is_withheld then 1 else 0 end)
                        over (partition by relations.relation_id) as withheld_cells,
                    sum(case when state.is_withheld then 0 else 1 end)
                        over (partition by relations.relation_id) as published_cells,
                    max(case when relations.is_parent and state.is_withheld then 1 else 0 end)
                        over (partition by relations.relation_id) as parent_withheld,
                    sum(case when state.is_withheld and not relations.is_parent then state.n else 0 end)
                        over (partition by relations.relation_id) as withheld_children_n,
                    row_number() over (
                        partition by relations.relation_id
                        order by case when state.is_withheld then 1 else 0 end, state.n, state.level_rank, state.cell_id
                    ) as preference
                from {{ previous }} as state
                left join {{ relations }} as relations
                    on state.cell_id = relations.cell_id
            ) as by_relation
        ) as relation_picks
        group by cell_id, n, level_rank, was_withheld, withheld_in_round
    ) as source
    inner join (
        select
            cell_id as from_cell_id,
            cell_id as to_cell_id,
            true as is_self
        from {{ cells }}
        {%- if links %}
        union all
        select
            from_cell_id,
            to_cell_id,
            false as is_self
        from {{ links }}
        {%- endif %}
    ) as targets
        on source.cell_id = targets.from_cell_id
    group by targets.to_cell_id
    having bool_or(targets.is_self)
{%- endmacro %}
