-- One row per child, institution and local calendar date with at least one check-in, from both
-- attendance streams: KBH Barn's fremmoede and Aula's Komme/gå (an institution delivers through one of
-- them). Both event times are already local Danish time: KBH Barn delivers them so, and landing converts
-- Aula's ISO 8601 offsets to Europe/Copenhagen. The events are aggregated here, before they meet the
-- expected days, because fremmoede is the largest source by far (tens of millions of rows at Copenhagen's
-- scale); one hash aggregation, no window over the events of a day:
-- - first_check_in is the earliest check-in, so a double tap adds nothing;
-- - the last non-system check-out after the first check-in is the latest non-system check-out when that
--   one lies after the first check-in (if the latest does not, none does), so a check-out before the
--   day's first check-in is ignored and a system check-out (the day closed automatically) never counts;
-- - attended_hours is the time between the two, in hours (NULL without such a check-out).
-- Days with check-outs only are not attended days and are left out. Whether a day counts at all (open,
-- enrolled, not a registered holiday) is decided by fct_child_attendance_days.
-- Events are grouped by the child's integer person key, and the child's pseudonym (child_key) is joined
-- to the child-days: hashing a 64-character pseudonym per event cost a copenhagen build ~6 s.
with

delivered_files as (

    select
        source_file,
        min(event_id) as first_event_id,
        max(event_id) as last_event_id
    from {{ ref('stg_kbhbarn__attendance_events') }}
    group by source_file

),

overlapping_event_ids as (

    -- event_id is unique within a delivered file (landing checks it), so an id can only repeat where the
    -- id ranges of two files overlap: a late correction re-delivered in another month's file. Event ids
    -- grow with time, so normally no two files overlap, the span is empty (null) and no event is checked.
    select
        min(greatest(delivered_files.first_event_id, other_files.first_event_id)) as first_event_id,
        max(least(delivered_files.last_event_id, other_files.last_event_id)) as last_event_id
    from delivered_files
    inner join delivered_files as other_files
        on
            delivered_files.source_file < other_files.source_file
            and delivered_files.first_event_id <= other_files.last_event_id
            and delivered_files.last_event_id >= other_files.first_event_id

),

repeated_event_ids as (

    select events.event_id
    from {{ ref('stg_kbhbarn__attendance_events') }} as events
    inner join overlapping_event_ids
        on
            events.event_id >= overlapping_event_ids.first_event_id
            and events.event_id <= overlapping_event_ids.last_event_id
    group by events.event_id
    having count(*) > 1

),

superseded_deliveries as (

    -- of a repeated event, every row but the latest landed one
    select
        event_id,
        source_file,
        source_line
    from (
        select
            events.event_id,
            events.source_file,
            events.source_line,
            row_number() over (
                partition by events.event_id
                order by events.loaded_at desc, events.source_file desc, events.source_line desc
            ) as delivery_rank
        from {{ ref('stg_kbhbarn__attendance_events') }} as events
        inner join repeated_event_ids
            on events.event_id = repeated_event_ids.event_id
    ) as ranked
    where delivery_rank > 1

),

kbhbarn_events as (

    select
        events.child_person_key,
        events.institution_id,
        events.event_at,
        events.event_type,
        events.registered_by
    from {{ ref('stg_kbhbarn__attendance_events') }} as events
    left join superseded_deliveries
        on
            events.event_id = superseded_deliveries.event_id
            and events.source_file = superseded_deliveries.source_file
            and events.source_line = superseded_deliveries.source_line
    where superseded_deliveries.event_id is null

),

aula_events as (

    -- Aula has no event id; a row repeated exactly changes neither a minimum nor a maximum.
    select
        child_person_key,
        institution_id,
        event_at,
        event_type,
        registered_by
    from {{ ref('stg_aula__attendance_events') }}

),

events as (

    select
        child_person_key,
        institution_id,
        cast(event_at as timestamp) as event_at,
        event_type,
        registered_by
    from kbhbarn_events
    union all
    select
        child_person_key,
        institution_id,
        cast(event_at as timestamp) as event_at,
        event_type,
        registered_by
    from aula_events

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

select
    persons.pseudonym as child_key,
    checked_in_days.institution_id,
    checked_in_days.attendance_date,
    checked_in_days.first_check_in,
    checked_in_days.last_check_out,
    {{ dbt.datediff('checked_in_days.first_check_in', 'checked_in_days.last_check_out', 'second') -}}
    / 3600.0 as attended_hours
from checked_in_days
left join {{ ref('stg_landing__persons') }} as persons
    on checked_in_days.child_person_key = persons.person_key
