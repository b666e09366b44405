-- The sums a reader of the planning marts can add and subtract (docs/planning.md, "Disclosure"): one row
-- per (relation_id, cell_id), the parent (the published total) and its parts.
--   transitions_daycare  a daycare's children who started school in a year (transition_outcomes) = the
--                        sum of its transitions rows over schools
--   transitions_school   a school's intake from daycares in a year = the sum of its transitions rows
--                        over daycares (not published as a total, but the school's grade-0 pupils are
--                        close to it: treated as a sum without a published total)
--   property_district    a district's enrolled children of a type on a month's last day
--                        (capacity_by_district) = the sum of its institutions' children on that day
--                        (property_by_institution: play area / play area per child gives them back)
-- A part with no cell counts as known to the reader, which only makes the rule stricter.
with
cells as (
    select * from {{ ref('int_planning_disclosure_cells') }}
),

transitions as (
    select * from {{ ref('int_transitions') }}
),

property as (
    select * from {{ ref('int_property_institution_years') }}
)

select
    'transitions_daycare|' || from_institution_id || '|' || cast(school_start_year as string) as relation_id,
    'transition|' || from_institution_id || '|' || to_school_id || '|' || cast(school_start_year as string)
        as cell_id,
    false as is_parent
from transitions
union all
select distinct
    'transitions_daycare|' || from_institution_id || '|' || cast(school_start_year as string) as relation_id,
    'transition_total|' || from_institution_id || '|' || cast(school_start_year as string) as cell_id,
    true as is_parent
from transitions
union all
select
    'transitions_school|' || to_school_id || '|' || cast(school_start_year as string) as relation_id,
    'transition|' || from_institution_id || '|' || to_school_id || '|' || cast(school_start_year as string)
        as cell_id,
    false as is_parent
from transitions
union all
select
    'property_district|' || district || '|' || institution_type || '|' || cast(month_start as string)
        as relation_id,
    'property|' || institution_id || '|' || cast(year as string) as cell_id,
    false as is_parent
from property
union all
select distinct
    'property_district|' || property.district || '|' || property.institution_type || '|'
    || cast(property.month_start as string) as relation_id,
    cells.cell_id,
    true as is_parent
from property
inner join cells
    on
        cells.cell_kind = 'capacity_enrolled'
        and cells.cell_key = property.district || '|' || property.institution_type || '|'
        || cast(property.month_start as string)
