with

source as (

    select * from {{ source('skoleadm', 'fravaer') }}

),

with_persons as (

    {{ join_persons('source') }}

),

renamed as (

    select
        pseudonym as child_key,
        school_id,
        date as absence_date,
        absence_type,
        registered_at,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
