-- Keyed by the person register's integer keys, without joining the register: the ~10 M rows at
-- Copenhagen's scale are grouped per child and month (int_child_household_months), which then looks up
-- the pseudonym once per grouped row. A parent key is null when the parent's CPR was empty (unknown).
with

source as (

    select * from {{ source('beskaeftigelse', 'foraeldre') }}

),

renamed as (

    select
        cast(_period || '-01' as date) as month_start,
        child_person_key,
        parent_person_key,
        relation,
        lives_with_child as is_living_with_child,
        employment_status,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
