with

source as (

    select * from {{ source('hr', 'vagtplan') }}

),

renamed as (

    select
        employee_id,
        institution_id,
        shift_date,
        start_time,
        end_time,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
