-- The child's path from daycare to school (docs/planning.md, "Transitions"): children per daycare
-- institution, school and school-start year, NULL where the disclosure control withholds them (fewer
-- than 5, or complementary within the daycare's leavers or the school's intake).
with
transitions as (
    select * from {{ ref('int_transitions') }}
),

withheld as (
    select * from {{ ref('int_planning_withheld_cells') }}
    where is_withheld
),

flagged as (
    select
        transitions.*,
        withheld.cell_id is not null as is_suppressed,
        withheld.suppression_reason
    from transitions
    left join withheld
        on
            withheld.cell_id
            = 'transition|' || transitions.from_institution_id || '|' || transitions.to_school_id
            || '|' || cast(transitions.school_start_year as string)
)

select
    cast(from_institution_id as string) as from_institution_id,
    cast(to_school_id as string) as to_school_id,
    cast(school_start_year as integer) as school_start_year,
    cast(case when not is_suppressed then children end as bigint) as children,
    is_suppressed,
    cast(suppression_reason as string) as suppression_reason
from flagged
