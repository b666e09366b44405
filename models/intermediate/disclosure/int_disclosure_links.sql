-- Cells withheld together: one row per (from_cell_id, to_cell_id) - when the first is withheld, so is the
-- second. Two kinds:
--   indicator  indicators that share a numerator, a denominator or persons (seed disclosure_links, each
--              row with its reason): withheld alone, one would be recovered from the other (sick,
--              authorized and unauthorized absence add up to all absence).
--   period     the school year and its two half-years (or a calendar year and its halves) of an indicator
--              additive over periods, at the same institution, district or municipality: withholding the
--              three together keeps each period's table a plain hierarchy, in which a withheld cell with a
--              withheld partner in every sum cannot be solved for (no chain of sums across periods).
with

cells as (

    select * from {{ ref('int_disclosure_cells') }}

),

relations as (

    select * from {{ ref('int_disclosure_relations') }}

),

indicator_links as (

    select
        from_cells.cell_id as from_cell_id,
        to_cells.cell_id as to_cell_id,
        'indicator' as link_kind
    from {{ ref('disclosure_links') }} as links
    inner join cells as from_cells
        on links.indicator_code = from_cells.indicator_code
    inner join cells as to_cells
        on
            links.linked_indicator_code = to_cells.indicator_code
            and from_cells.scope_level = to_cells.scope_level
            and from_cells.scope_id = to_cells.scope_id
            and from_cells.benchmark_group = to_cells.benchmark_group
            and from_cells.period_id = to_cells.period_id

),

period_links as (

    select
        from_members.cell_id as from_cell_id,
        to_members.cell_id as to_cell_id,
        'period' as link_kind
    from relations as from_members
    inner join relations as to_members
        on from_members.relation_id = to_members.relation_id
    where
        from_members.relation_kind = 'period'
        and from_members.cell_id != to_members.cell_id

)

select * from indicator_links
union all
select * from period_links
