with

source as (

    select * from {{ source('nationaletest', 'resultater') }}

),

with_persons as (

    {{ join_persons('source') }}

),

renamed as (

    select
        pseudonym as child_key,
        school_id,
        grade,
        subject,
        test_date,
        score as score_percentile,
        level as result_level,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
