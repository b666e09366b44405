with

source as (

    select * from {{ source('kbhbarn', 'sprogvurdering') }}

),

with_persons as (

    {{ join_persons('source') }}

),

renamed as (

    select
        pseudonym as child_key,
        birth_date,
        institution_id,
        assessment_date,
        assessment_type,
        result_group,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
