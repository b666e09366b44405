-- What: after the last round of the planning marts' disclosure control, no relation still gives a
--   withheld count of children away (one withheld cell in a sum, or withheld parts of fewer than 5
--   children under a published total).
-- Why: an open relation lets a reader of transitions, transition_outcomes, capacity_by_district or
--   property_by_institution recover a suppressed count by subtraction (docs/planning.md, "Disclosure").
--   Nothing is published while this fails.
-- Resolve: raise `boernedata:disclosure_rounds` and build again; withheld_in_round of
--   int_planning_withheld_cells shows how deep the cascades go.
with
withheld as (
    select * from {{ ref('int_planning_withheld_cells') }}
)

{{ disclosure_violations(ref('int_planning_disclosure_relations'), 'withheld') }}
