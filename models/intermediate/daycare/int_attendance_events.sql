-- Every check-in and check-out event of both attendance streams, one row per event: KBH Barn's fremmoede
-- and Aula's Komme/gå (an institution delivers through one of them), in local Danish time (KBH Barn
-- delivers it so; landing converts Aula's ISO 8601 offsets to Europe/Copenhagen). A KBH Barn event that
-- was re-delivered as a late correction (the same event_id in a later file) keeps only its latest landed
-- row. A view: the events are the largest source by far, and int_attendance_event_days aggregates them
-- in the same query instead of copying them into a table first.
{{ config(materialized='view') }}

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

)

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
