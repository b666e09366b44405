-- What: the day profile's measures are in range: means of children and staff are never negative, the
--   children present in a slot are never more than the children enrolled at the institution in the
--   half-year (int_daycare_leisure_period_children.distinct_children), weighted children are at most
--   twice the children (place factor <= 1, age weight 2), and hours below the norm lie within the day.
-- Why: a sweep whose -1 lands in the wrong slot, or a join that repeats child-days, shows up as
--   presence that never returns to 0, negative presence or more children than the house has.
-- Resolve: check the slot rule (macros/day_profile.sql) and the joins of int_day_profile_child_intervals.
with

profile as (

    select * from {{ ref('institution_day_profile') }}
    where not is_suppressed

),

enrolled as (

    select
        institution_id,
        period_id,
        distinct_children
    from {{ ref('int_daycare_leisure_period_children') }}
    where period_type = 'half_year'

),

summary as (

    select * from {{ ref('institution_day_summary') }}
    where not is_suppressed

)

select
    profile.institution_id,
    profile.period_id,
    profile.weekday,
    profile.slot_start,
    'out of range' as problem
from profile
left join enrolled
    on
        profile.institution_id = enrolled.institution_id
        and profile.period_id = enrolled.period_id
where
    profile.children_present < 0
    or profile.staff_on_shift < 0
    or profile.children_present > coalesce(enrolled.distinct_children, 0)
    -- both are rounded to 2 decimals: twice a rounded value can be 0.01 off, and the other 0.005 more
    or profile.children_present_weighted > 2 * profile.children_present + 0.02
    or profile.children_per_adult < 0
union all
select
    institution_id,
    period_id,
    null as weekday,
    null as slot_start,
    'summary out of range' as problem
from summary
where
    hours_below_norm_per_day < 0
    or hours_below_norm_per_day > 12
    or quiet_hours_per_day < 0
    or quiet_hours_per_day > 12
