with

source as (

    select * from {{ source('sundhed', 'maalinger') }}

),

with_persons as (

    {{ join_persons('source') }}

),

renamed as (

    select
        pseudonym as child_key,
        birth_date,
        sex,
        school_id,
        measurement_date,
        height_cm,
        weight_kg,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
