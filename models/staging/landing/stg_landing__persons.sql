-- A run that stopped before compacting its register leaves a person in two part files: the same row.
with

source as (

    select * from {{ source('landing', 'persons') }}

),

distinct_persons as (

    select distinct
        person_key,
        pseudonym,
        birth_date,
        sex

    from source

)

select * from distinct_persons
