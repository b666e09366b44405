with

source as (

    select * from {{ source('skoleadm', 'elever') }}

),

with_persons as (

    {{ join_persons('source') }}

),

renamed as (

    select
        pseudonym as child_key,
        person_key as child_person_key,
        birth_date,
        sex,
        school_id,
        grade,
        class_id,
        class_type,
        start_date,
        end_date,
        cast(_period as date) as snapshot_date,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
