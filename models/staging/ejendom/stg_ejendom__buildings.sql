with

source as (

    select * from {{ source('ejendom', 'bygninger') }}

),

renamed as (

    select
        building_id,
        institution_id,
        gross_m2,
        build_year,
        condition_score,
        maintenance_backlog_dkk,
        cast(_period as date) as snapshot_date,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
