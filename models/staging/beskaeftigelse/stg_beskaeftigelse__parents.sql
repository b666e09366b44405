with

source as (

    select * from {{ source('beskaeftigelse', 'foraeldre') }}

),

with_persons as (

    {{ join_persons('source', ['child_', 'parent_']) }}

),

renamed as (

    select
        cast(_period || '-01' as date) as month_start,
        child_pseudonym as child_key,
        parent_pseudonym as parent_key,
        relation,
        lives_with_child as is_living_with_child,
        employment_status,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
