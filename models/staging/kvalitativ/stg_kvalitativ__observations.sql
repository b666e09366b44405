with

source as (

    select * from {{ source('kvalitativ', 'observationer') }}

),

renamed as (

    select
        institution_id,
        observation_date,
        theme,
        score,
        note,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
