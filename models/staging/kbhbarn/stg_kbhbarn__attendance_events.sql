-- The events carry the child's integer person key and no pseudonym: the tens of millions of rows here
-- are only ever grouped by that key, and a join to the person register for a column nobody reads costs
-- a quarter of the events' aggregation (DuckDB does not drop an unused left join). The relationships
-- test on child_person_key checks that every child is in the register.
with

source as (

    select * from {{ source('kbhbarn', 'fremmoede') }}

),

renamed as (

    select
        event_id,
        person_key as child_person_key,
        institution_id,
        event_time as event_at,
        case event_type when 'IND' then 'check_in' when 'UD' then 'check_out' end as event_type,
        case registered_by
            when 'foraelder' then 'parent' when 'personale' then 'staff' when 'system' then 'system'
        end as registered_by,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
