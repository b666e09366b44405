-- Which cells of the planning marts are withheld, and why: one row per cell of
-- int_planning_disclosure_cells, by the rule of docs/publication_rules.md ("No disclosure by
-- differencing"), as int_disclosure_withheld_cells applies it to the indicators: primary suppression
-- (n below `boernedata:suppression_min_n`, reason n_lt_5), then rounds in which every relation
-- (int_planning_disclosure_relations) that gives a withheld figure away - exactly one withheld cell, or
-- withheld parts covering fewer than 5 children under a published total - withholds its published cell
-- with the smallest n (ties: the part before the total, then the cell id; reason complementary), until
-- nothing changes (`boernedata:disclosure_rounds` bounds them; a singular test fails the build when the
-- last round still changed something).
{%- set rounds = var('boernedata:disclosure_rounds') %}
with
cells as (
    select * from {{ ref('int_planning_disclosure_cells') }}
),

relations as (
    select * from {{ ref('int_planning_disclosure_relations') }}
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

            {{ disclosure_next_state('cells', 'relations', none, previous, round) }}

        ),
    {%- else %}
        violations_{{ round }} as {{ cte_materialized() }} (
            {{ disclosure_violations('relations', previous) }}
        ),

        picks_{{ round }} as (
            {{ disclosure_picks('violations_' ~ round, 'relations', previous) }}
        ),

        state_{{ round }} as {{ cte_materialized() }} (
            select
                {{ previous }}.cell_id,
                {{ previous }}.n,
                {{ previous }}.level_rank,
                {{ previous }}.is_withheld or picks_{{ round }}.cell_id is not null as is_withheld,
                case
                    when {{ previous }}.is_withheld then {{ previous }}.withheld_in_round
                    when picks_{{ round }}.cell_id is not null then {{ round }}
                end as withheld_in_round
            from {{ previous }}
            left join picks_{{ round }}
                on {{ previous }}.cell_id = picks_{{ round }}.cell_id
        ),
    {%- endif %}
{% endfor %}
final as (
    select * from state_{{ rounds }}
)

select
    cells.cell_id,
    cells.cell_kind,
    cells.cell_key,
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
