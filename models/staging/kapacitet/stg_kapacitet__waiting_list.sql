with

source as (

    select * from {{ source('kapacitet', 'venteliste') }}

),

with_persons as (

    {{ join_persons('source') }}

),

renamed as (

    select
        pseudonym as child_key,
        birth_date,
        district,
        requested_type,
        request_date,
        desired_start_date,
        offered_date,
        cast(_period as date) as snapshot_date,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
