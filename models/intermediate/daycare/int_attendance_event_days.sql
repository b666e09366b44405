-- One row per child, institution and local calendar date with at least one check-in, aggregated from
-- int_attendance_events (both streams, late corrections applied). The events are aggregated here, before
-- they meet the expected days, because they are the largest source by far (tens of millions of rows at
-- Copenhagen's scale); one hash aggregation, no window over the events of a day:
-- - first_check_in is the earliest check-in, so a double tap adds nothing;
-- - the last non-system check-out after the first check-in is the latest non-system check-out when that
--   one lies after the first check-in (if the latest does not, none does), so a check-out before the
--   day's first check-in is ignored and a system check-out (the day closed automatically) never counts.
-- The hours between the two are computed where the days meet the expected days
-- (int_child_attendance_days): one column less in the ~39 M rows written here and in that join's hash
-- table.
-- Days with check-outs only are not attended days and are left out. Whether a day counts at all (open,
-- enrolled, not a registered holiday) is decided by int_child_attendance_days.
-- Child-days are keyed by the child's integer person key (child_person_key), not the 64-character
-- pseudonym: the tens of millions of rows here and in int_child_attendance_days are grouped and joined on
-- it, and hashing a pseudonym per row would cost more than the aggregation.
-- Incremental (macros/incremental.sql): a nightly build recomputes only the days from
-- BOERNEDATA_INCREMENTAL_SINCE on.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_since('attendance_date') }}",
) }}
with

events as (

    -- on event_at itself, not its date: a bare column comparison reaches the Parquet scan (row groups
    -- of older months are skipped by their statistics), a cast does not and reads every event
    select * from {{ ref('int_attendance_events') }}
    where {{ is_recomputed('event_at') }}

),

child_days as (

    select
        child_person_key,
        institution_id,
        cast(event_at as date) as attendance_date,
        min(case when event_type = 'check_in' then event_at end) as first_check_in,
        max(case when event_type = 'check_out' and registered_by != 'system' then event_at end)
            as last_manual_check_out
    from events
    group by child_person_key, institution_id, cast(event_at as date)

),

checked_in_days as (

    select
        child_person_key,
        institution_id,
        attendance_date,
        first_check_in,
        case when last_manual_check_out > first_check_in then last_manual_check_out end as last_check_out
    from child_days
    where first_check_in is not null

)

select * from checked_in_days
