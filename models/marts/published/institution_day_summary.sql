-- Staffing by the hour, summed up: one row per daycare/leisure institution and whole half-year with a
-- day profile (int_institution_day_slots). The "mean day" pools the weekdays by their open days (a slot's
-- child-days and shift-days over all open days), so a weekday the house is often closed weighs less.
-- - hours_below_norm_per_day: slot-hours below the norm, averaged over the open days (weekday profiles
--   weighted by their open days);
-- - peak: the slot of the mean day with the most children present (the earliest of equal ones), with
--   its children, adults and ratio;
-- - quiet hours: slots of the mean day with children present, but at most
--   `boernedata:day_profile_quiet_share` of the peak; first_busy_slot / last_busy_slot bound the rest.
-- Withheld exactly when the institution's day profile is (marts.institution_day_profile).
{%- set slot_hours = var('boernedata:day_profile_slot_minutes') / 60 %}
{%- set quiet_share = var('boernedata:day_profile_quiet_share') %}
with

slots as (

    select * from {{ ref('int_institution_day_slots') }}

),

person_counts as (

    select * from {{ ref('int_day_profile_person_counts') }}

),

weekdays as (

    select
        institution_id,
        period_id,
        weekday,
        max(open_days) as open_days,
        count(case when below_norm then 1 end) as below_norm_slots
    from slots
    group by institution_id, period_id, weekday

),

below_norm as (

    select
        institution_id,
        period_id,
        sum(open_days) as open_days,
        {{ slot_hours }} * sum(below_norm_slots * open_days) / sum(open_days) as hours_below_norm_per_day
    from weekdays
    group by institution_id, period_id

),

mean_day as (

    select
        slots.institution_id,
        slots.period_id,
        slots.slot,
        slots.slot_start,
        cast(sum(slots.child_days_present) as double) / below_norm.open_days as children_present,
        cast(sum(slots.shift_days_on) as double) / below_norm.open_days as staff_on_shift,
        case
            when sum(slots.shift_days_on) > 0
                then sum(slots.weighted_child_days_present) / sum(slots.shift_days_on)
        end as children_per_adult
    from slots
    inner join below_norm
        on
            slots.institution_id = below_norm.institution_id
            and slots.period_id = below_norm.period_id
    group by slots.institution_id, slots.period_id, slots.slot, slots.slot_start, below_norm.open_days

),

ranked as (

    select
        *,
        max(children_present) over (partition by institution_id, period_id) as peak_children_present,
        row_number() over (
            partition by institution_id, period_id
            order by children_present desc, slot asc
        ) as busy_rank
    from mean_day

),

day_shape as (

    select
        institution_id,
        period_id,
        max(case when busy_rank = 1 then slot_start end) as peak_slot_start,
        max(peak_children_present) as peak_children_present,
        max(case when busy_rank = 1 then staff_on_shift end) as peak_staff_on_shift,
        max(case when busy_rank = 1 then children_per_adult end) as peak_children_per_adult,
        {{ slot_hours }} * count(
            case
                when
                    children_present > 0
                    and children_present <= {{ quiet_share }} * peak_children_present
                    then 1
            end
        ) as quiet_hours_per_day,
        min(
            case
                when children_present > {{ quiet_share }} * peak_children_present
                    then slot_start
            end
        ) as first_busy_slot,
        max(
            case
                when children_present > {{ quiet_share }} * peak_children_present
                    then slot_start
            end
        ) as last_busy_slot
    from ranked
    group by institution_id, period_id

),

summaries as (

    select
        below_norm.institution_id,
        below_norm.period_id,
        below_norm.open_days,
        below_norm.hours_below_norm_per_day,
        day_shape.peak_slot_start,
        day_shape.peak_children_present,
        day_shape.peak_staff_on_shift,
        day_shape.peak_children_per_adult,
        day_shape.quiet_hours_per_day,
        day_shape.first_busy_slot,
        day_shape.last_busy_slot,
        (
            person_counts.children < {{ var('boernedata:suppression_min_n') }}
            or person_counts.employees < {{ var('boernedata:suppression_min_n') }}
        ) as is_suppressed
    from below_norm
    inner join day_shape
        on
            below_norm.institution_id = day_shape.institution_id
            and below_norm.period_id = day_shape.period_id
    inner join person_counts
        on
            below_norm.institution_id = person_counts.institution_id
            and below_norm.period_id = person_counts.period_id

)

select
    institution_id,
    period_id,
    cast(open_days as integer) as open_days,
    case
        when not is_suppressed then {{ round_double('cast(hours_below_norm_per_day as double)', 2) }}
    end as hours_below_norm_per_day,
    case when not is_suppressed then peak_slot_start end as peak_slot_start,
    case
        when not is_suppressed then {{ round_double('peak_children_present', 2) }}
    end as peak_children_present,
    case when not is_suppressed then {{ round_double('peak_staff_on_shift', 2) }} end as peak_staff_on_shift,
    case
        when not is_suppressed then {{ round_double('peak_children_per_adult', 2) }}
    end as peak_children_per_adult,
    case when not is_suppressed then cast(quiet_hours_per_day as double) end as quiet_hours_per_day,
    case when not is_suppressed then first_busy_slot end as first_busy_slot,
    case when not is_suppressed then last_busy_slot end as last_busy_slot,
    is_suppressed,
    case when is_suppressed then 'n_lt_5' end as suppression_reason
from summaries
