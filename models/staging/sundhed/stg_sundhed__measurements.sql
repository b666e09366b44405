with

source as (

    select * from {{ source('sundhed', 'maalinger') }}

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

    from source

)

select * from renamed
