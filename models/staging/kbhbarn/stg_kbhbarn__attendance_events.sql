with

source as (

    select * from {{ source('kbhbarn', 'fremmoede') }}

),

with_persons as (

    {{ join_persons('source') }}

),

renamed as (

    select
        event_id,
        pseudonym as child_key,
        person_key as child_person_key,
        institution_id,
        event_time as event_at,
        case event_type when 'IND' then 'check_in' when 'UD' then 'check_out' end as event_type,
        case registered_by
            when 'foraelder' then 'parent' when 'personale' then 'staff' when 'system' then 'system'
        end as registered_by,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
