with

source as (

    select * from {{ source('institutionsregister', 'institutioner') }}

),

renamed as (

    select
        institution_id,
        name as institution_name,
        institution_type,
        ownership,
        district,
        postal_code,
        opened_date,
        closed_date,
        normed_places,
        play_area_m2,
        cost_centre,
        parent_institution_id,
        cast(_period as date) as snapshot_date,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
