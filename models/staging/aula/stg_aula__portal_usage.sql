with

source as (

    select * from {{ source('aula', 'brugsdata') }}

),

with_persons as (

    {{ join_persons('source', ['child_']) }}

),

renamed as (

    select
        cast(month || '-01' as date) as month_start,
        institution_id,
        child_pseudonym as child_key,
        child_person_key,
        guardian_id,
        logins,
        messages_read,
        messages_sent,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
