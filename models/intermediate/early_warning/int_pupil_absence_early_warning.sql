-- One row per pupil, school and school year with at least 20 school days enrolled there: the absence
-- figures, the absence rules, the context flags and, for concerning pupils, the cause segment. The
-- early-prevention team's list (restricted.pupil_absence_early_warning; docs/early_warning.md).
-- previous_absence_pct: the same pupil's absence in the previous school year at any school (all schools'
-- days pooled), NULL when the pupil had no school days then.
with

pupil_years as (

    select * from {{ ref('int_pupil_school_years') }}

),

streaks as (

    select * from {{ ref('int_pupil_absence_streaks') }}

),

quarters as (

    select * from {{ ref('int_pupil_unauthorized_quarters') }}

),

context_flags as (

    select * from {{ ref('int_pupil_context_flags') }}

),

segments as (

    select * from {{ ref('int_pupil_cause_segments') }}

),

pupil_totals as (

    select
        child_key,
        school_year,
        cast(sum(absent_days) as bigint) as absent_days,  -- bigint, not DuckDB's HUGEINT sum
        cast(sum(school_days) as bigint) as school_days
    from pupil_years
    group by child_key, school_year

)

select
    pupil_years.child_key,
    pupil_years.school_id,
    pupil_years.school_year,
    pupil_years.school_days,
    pupil_years.absent_days,
    100 * cast(pupil_years.absent_days as double) / pupil_years.school_days as absence_pct,
    100 * cast(pupil_years.sick_days as double) / pupil_years.school_days as sick_pct,
    100 * cast(pupil_years.authorized_days as double) / pupil_years.school_days as authorized_pct,
    100 * cast(pupil_years.unauthorized_days as double) / pupil_years.school_days as unauthorized_pct,
    100 * pupil_years.absent_days > {{ var('boernedata:concerning_absence_pct') }} * pupil_years.school_days
        as is_concerning,
    coalesce(quarters.unauthorized_15_quarters, 0) as unauthorized_15_quarters,
    coalesce(streaks.longest_absence_streak, 0) as longest_absence_streak,
    100 * cast(previous_totals.absent_days as double) / previous_totals.school_days as previous_absence_pct,
    context_flags.has_notification_12m,
    context_flags.has_open_ppr,
    context_flags.has_measure,
    context_flags.parents_apart,
    context_flags.parent_unknown,
    context_flags.no_parent_in_work,
    segments.cause_segment,
    segments.segment_evidence,
    context_flags.has_household_record
from pupil_years
left join streaks
    on
        pupil_years.child_key = streaks.child_key
        and pupil_years.school_id = streaks.school_id
        and pupil_years.school_year = streaks.school_year
left join quarters
    on
        pupil_years.child_key = quarters.child_key
        and pupil_years.school_id = quarters.school_id
        and pupil_years.school_year = quarters.school_year
left join context_flags
    on
        pupil_years.child_key = context_flags.child_key
        and pupil_years.school_id = context_flags.school_id
        and pupil_years.school_year = context_flags.school_year
left join segments
    on
        pupil_years.child_key = segments.child_key
        and pupil_years.school_id = segments.school_id
        and pupil_years.school_year = segments.school_year
left join pupil_totals as previous_totals
    on
        pupil_years.child_key = previous_totals.child_key
        and pupil_years.previous_school_year = previous_totals.school_year
        and previous_totals.school_days > 0
where pupil_years.school_days >= {{ var('boernedata:concerning_absence_min_school_days') }}
