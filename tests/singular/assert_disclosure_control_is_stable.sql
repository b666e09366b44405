-- What: after the last round of disclosure control, no relation still gives a withheld figure away (one
--   withheld cell in a sum, or withheld parts of fewer than 5 persons under a published total) and no
--   cell linked to a withheld cell is published.
-- Why: a relation left open lets a reader of the published file recover a suppressed value by adding and
--   subtracting published ones (docs/publication_rules.md, "No disclosure by differencing"). Nothing
--   is published while this fails.
-- Resolve: the rounds ran out before the rule was met everywhere: raise `boernedata:disclosure_rounds` in
--   dbt_project.yml (or --vars) and build again; int_disclosure_withheld_cells.withheld_in_round shows how
--   deep the cascades go.
with

withheld as (

    select * from {{ ref('int_disclosure_withheld_cells') }}

),

violations as (

    {{ disclosure_violations(ref('int_disclosure_relations'), 'withheld') }}

),

open_links as (

    {{ disclosure_open_links(ref('int_disclosure_links'), 'withheld') }}

)

select
    'relation' as what,
    relation_id as id
from violations
union all
select
    'link' as what,
    cell_id as id
from open_links
