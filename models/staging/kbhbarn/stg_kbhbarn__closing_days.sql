with

source as (

    select * from {{ source('kbhbarn', 'lukkedage') }}

),

renamed as (

    select
        institution_id,
        date as closing_date,
        reason as closing_reason,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
