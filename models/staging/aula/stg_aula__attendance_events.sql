-- Like stg_kbhbarn__attendance_events: the integer person key, no pseudonym (no person-register join on
-- the event rows).
with

source as (

    select * from {{ source('aula', 'kommegaa') }}

),

renamed as (

    select
        child_person_key,
        institution_id,
        timestamp as event_at,
        case status when 'kommet' then 'check_in' when 'gaaet' then 'check_out' end as event_type,
        case changed_by
            when 'forælder' then 'parent' when 'personale' then 'staff' when 'automatisk' then 'system'
        end as registered_by,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
