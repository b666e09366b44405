-- Buildings per daycare institution and year against its children (docs/planning.md, "Property"). The
-- per-child figures and the pressure flag rest on the children enrolled on the reference date; where the
-- disclosure control withholds them (fewer than 5 children, or complementary to the district's enrolled
-- children in capacity_by_district) they are NULL. m², condition and backlog are about the building.
with
property as (
    select * from {{ ref('int_property_institution_years') }}
),

withheld as (
    select * from {{ ref('int_planning_withheld_cells') }}
    where is_withheld
),

flagged as (
    select
        property.*,
        withheld.cell_id is not null as is_suppressed
    from property
    left join withheld
        on withheld.cell_id = 'property|' || property.institution_id || '|' || cast(property.year as string)
)

select
    cast(institution_id as string) as institution_id,
    cast(year as integer) as year,
    cast({{ round_double('gross_m2', 1) }} as double) as gross_m2,
    cast(case when not is_suppressed then {{ round_double('play_area_m2_per_child', 2) }} end as double)
        as play_area_m2_per_child,
    cast(case when not is_suppressed then {{ round_double('legal_minimum_m2_per_child', 2) }} end as double)
        as legal_minimum_m2_per_child,
    cast({{ round_double('condition_score', 2) }} as double) as condition_score,
    cast(case when not is_suppressed then {{ round_double('backlog_dkk_per_child', 0) }} end as double)
        as backlog_dkk_per_child,
    case when not is_suppressed then capacity_presses and building_presses end as pressure,
    cast(reference_date as date) as reference_date,
    cast(play_area_m2 as double) as play_area_m2,
    cast({{ round_double('backlog_dkk', 0) }} as double) as backlog_dkk,
    case when not is_suppressed then capacity_presses end as capacity_presses,
    case when not is_suppressed then building_presses end as building_presses,
    is_suppressed
from flagged
