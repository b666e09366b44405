with

source as (

    select * from {{ source('kvantum', 'posteringer') }}

),

renamed as (

    select
        bilagsdato as posting_date,
        omkostningssted as cost_centre,
        funktion as function_code,
        art as account_type,
        cast(left(art, 1) as integer) as main_account_type,
        beloeb as amount_dkk,
        tekst as posting_text,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
