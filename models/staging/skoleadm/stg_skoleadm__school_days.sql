with

source as (

    select * from {{ source('skoleadm', 'skolekalender') }}

),

renamed as (

    select
        date as school_date,
        replace(_period, '-', '/') as school_year,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
