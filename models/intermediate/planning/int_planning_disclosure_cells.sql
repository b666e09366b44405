-- Disclosure control of the planning marts (docs/planning.md, "Disclosure"): one row per published cell
-- that counts children, with the number of children it is about (n). Primary suppression withholds a
-- cell with n below `boernedata:suppression_min_n` (0 included: a cell about fewer than 5 children).
--   capacity_enrolled    capacity_by_district: enrolled children, enrolled places and utilization of a
--                        district, type and month (n = enrolled children)
--   capacity_waiting     capacity_by_district: waiting children at the month's end
--   capacity_offers      capacity_by_district: the median days to offer (n = offers made in the month)
--   capacity_guarantee   capacity_by_district: guarantee_kept_pct (n = requests counted)
--   forecast_coverage    capacity_forecast: coverage, places needed and gap (n = children enrolled in
--                        the district's daycare of the band today)
--   property             property_by_institution: the per-child figures and the pressure flag (n =
--                        children enrolled on the reference date)
--   transition           transitions: children from a daycare to a school in a school-start year
--   transition_total     transition_outcomes: the daycare's children who started school that year
--   transition_absence   transition_outcomes: grade0_absence_pct (n = children with school days)
--   transition_wellbeing transition_outcomes: wellbeing_0_3_mean (n = children with a score)
-- level_rank orders candidates for complementary suppression at equal n: parts (0) before totals (1).
with
capacity as (
    select * from {{ ref('int_capacity_district_months') }}
),

forecast as (
    select * from {{ ref('int_capacity_forecast') }}
),

property as (
    select * from {{ ref('int_property_institution_years') }}
),

transitions as (
    select * from {{ ref('int_transitions') }}
),

outcomes as (
    select * from {{ ref('int_transition_outcomes') }}
),

cells as (
    select
        'capacity_enrolled' as cell_kind,
        district || '|' || institution_type || '|' || cast(month as string) as cell_key,
        enrolled_children as n,
        1 as level_rank
    from capacity
    union all
    select
        'capacity_waiting' as cell_kind,
        district || '|' || institution_type || '|' || cast(month as string) as cell_key,
        waiting_children as n,
        1 as level_rank
    from capacity
    where waiting_children is not null
    union all
    select
        'capacity_offers' as cell_kind,
        district || '|' || institution_type || '|' || cast(month as string) as cell_key,
        offers as n,
        1 as level_rank
    from capacity
    where offers is not null
    union all
    select
        'capacity_guarantee' as cell_kind,
        district || '|' || institution_type || '|' || cast(month as string) as cell_key,
        guarantee_requests as n,
        1 as level_rank
    from capacity
    where guarantee_requests is not null
    union all
    select
        'forecast_coverage' as cell_kind,
        district || '|' || age_band || '|' || cast(year as string) as cell_key,
        enrolled_children as n,
        1 as level_rank
    from forecast
    union all
    select
        'property' as cell_kind,
        institution_id || '|' || cast(year as string) as cell_key,
        enrolled_children as n,
        0 as level_rank
    from property
    union all
    select
        'transition' as cell_kind,
        from_institution_id || '|' || to_school_id || '|' || cast(school_start_year as string) as cell_key,
        children as n,
        0 as level_rank
    from transitions
    union all
    select
        'transition_total' as cell_kind,
        from_institution_id || '|' || cast(school_start_year as string) as cell_key,
        children as n,
        1 as level_rank
    from outcomes
    union all
    select
        'transition_absence' as cell_kind,
        from_institution_id || '|' || cast(school_start_year as string) as cell_key,
        grade0_absence_children as n,
        1 as level_rank
    from outcomes
    where grade0_absence_pct is not null
    union all
    select
        'transition_wellbeing' as cell_kind,
        from_institution_id || '|' || cast(school_start_year as string) as cell_key,
        wellbeing_0_3_children as n,
        1 as level_rank
    from outcomes
    where wellbeing_0_3_mean is not null
)

select
    cell_kind || '|' || cell_key as cell_id,
    cell_kind,
    cell_key,
    n,
    level_rank,
    n < {{ var('boernedata:suppression_min_n') }} as is_small_cell
from cells
