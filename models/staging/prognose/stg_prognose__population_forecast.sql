with

source as (

    select * from {{ source('prognose', 'befolkning') }}

),

renamed as (

    select
        district,
        year as forecast_year,
        age as age_years,
        children,
        cast(_period as integer) as forecast_made_year,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
