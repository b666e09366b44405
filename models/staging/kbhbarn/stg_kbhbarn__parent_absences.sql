with

source as (

    select * from {{ source('kbhbarn', 'fravaer') }}

),

renamed as (

    select
        pseudonym as child_key,
        institution_id,
        from_date,
        to_date,
        reason as absence_reason,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
