with

source as (

    select * from {{ source('kvantum', 'budget') }}

),

renamed as (

    select
        aar as budget_year,
        omkostningssted as cost_centre,
        funktion as function_code,
        budget_type,
        beloeb as amount_dkk,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
