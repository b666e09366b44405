with

source as (

    select * from {{ source('kvalitativ', 'laeringssamtaler') }}

),

renamed as (

    select
        institution_id,
        held_date,
        participants,
        focus_area,
        decision,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
