-- Disclosure control: which published cells are withheld, and why. One row per cell of
-- int_disclosure_cells. Primary suppression withholds every cell about fewer than
-- `boernedata:suppression_min_n` persons (reason n_lt_5). That alone is undone by the sums around it, so
-- secondary (complementary) suppression then repeats rounds until nothing changes:
--   1. every relation (int_disclosure_relations) whose published cells give a withheld figure away -
--      exactly one withheld cell, or withheld parts covering fewer than 5 persons under a published
--      total - withholds one more cell: its published cell with the smallest n (ties: the lower level,
--      then the cell id), so the least information is lost;
--   2. every cell linked to a withheld cell (int_disclosure_links) is withheld too.
-- A round can open a relation that was fine (a district's cell also sits in the municipality's sum and
-- in its period's), which the next round closes. The rounds are unrolled SQL, set-based: each is a few
-- joins over all relations at once, and the result is the same for the same input (deterministic).
-- `boernedata:disclosure_rounds` bounds them; tests/singular/assert_disclosure_control_is_stable.sql
-- fails the build when the last round still changed something (raise the variable then).
{%- set rounds = var('boernedata:disclosure_rounds') %}
with

cells as (

    select * from {{ ref('int_disclosure_cells') }}

),

relations as (

    select * from {{ ref('int_disclosure_relations') }}

),

links as (

    select * from {{ ref('int_disclosure_links') }}

),

state_0 as {{ cte_materialized() }} (

    select
        cell_id,
        n,
        level_rank,
        is_small_cell as is_withheld,
        case when is_small_cell then 0 end as withheld_in_round
    from cells

),

{% for round in range(1, rounds + 1) %}
    {%- set previous = 'state_' ~ (round - 1) %}
    {%- if disclosure_single_reference_rounds() %}

        state_{{ round }} as (

            {{ disclosure_next_state('cells', 'relations', 'links', previous, round) }}

        ),
    {%- else %}

        violations_{{ round }} as {{ cte_materialized() }} (

            {{ disclosure_violations('relations', previous) }}

        ),

        picks_{{ round }} as (

            {{ disclosure_picks('violations_' ~ round, 'relations', previous) }}

        ),

        newly_withheld_{{ round }} as (

            select cell_id from picks_{{ round }}
            union
            select links.to_cell_id as cell_id
            from links
            inner join {{ previous }} as withheld
                on links.from_cell_id = withheld.cell_id
            where withheld.is_withheld
            union
            select links.to_cell_id as cell_id
            from links
            inner join picks_{{ round }} as picks
                on links.from_cell_id = picks.cell_id

        ),

        state_{{ round }} as {{ cte_materialized() }} (

            -- a semi-join, not a left join: the same rows, and PostgreSQL's row estimate stays one a cell
            -- instead of growing with every round (docs/engines.md)
            select
                prev.cell_id,
                prev.n,
                prev.level_rank,
                prev.is_withheld
                or prev.cell_id in (
                    select newly.cell_id from newly_withheld_{{ round }} as newly
                ) as is_withheld,
                case
                    when prev.is_withheld then prev.withheld_in_round
                    when prev.cell_id in (select newly.cell_id from newly_withheld_{{ round }} as newly)
                        then {{ round }}
                end as withheld_in_round
            from {{ previous }} as prev

        ),
    {%- endif %}
{% endfor %}

final as (

    select * from state_{{ rounds }}

)

select
    cells.cell_id,
    cells.scope_level,
    cells.scope_id,
    cells.indicator_code,
    cells.benchmark_group,
    cells.period_type,
    cells.period_id,
    cells.n,
    final.is_withheld,
    case
        when cells.is_small_cell then 'n_lt_5'
        when final.is_withheld then 'complementary'
    end as suppression_reason,
    final.withheld_in_round
from cells
inner join final
    on cells.cell_id = final.cell_id
