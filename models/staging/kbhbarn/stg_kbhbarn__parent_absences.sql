with

source as (

    select * from {{ source('kbhbarn', 'fravaer') }}

),

with_persons as (

    {{ join_persons('source') }}

),

renamed as (

    select
        pseudonym as child_key,
        person_key as child_person_key,
        institution_id,
        from_date,
        to_date,
        reason as absence_reason,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
