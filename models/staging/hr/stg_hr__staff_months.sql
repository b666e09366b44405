with

source as (

    select * from {{ source('hr', 'personale') }}

),

renamed as (

    select
        cast(month || '-01' as date) as month_start,
        employee_id,
        institution_id,
        position,
        paedagoguddannet as is_trained_pedagogue,
        weekly_hours,
        on_leave as is_on_leave,
        funding,
        sick_days,
        planned_days,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
