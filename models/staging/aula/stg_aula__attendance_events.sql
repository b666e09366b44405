with

source as (

    select * from {{ source('aula', 'kommegaa') }}

),

with_persons as (

    {{ join_persons('source', ['child_']) }}

),

renamed as (

    select
        child_pseudonym as child_key,
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

    from with_persons

)

select * from renamed
