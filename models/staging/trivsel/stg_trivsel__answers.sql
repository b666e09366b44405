with

source as (

    select * from {{ source('trivsel', 'svar') }}

),

with_persons as (

    {{ join_persons('source') }}

),

renamed as (

    select
        pseudonym as child_key,
        school_id,
        grade,
        survey_version,
        question_no,
        answer,
        cast(_period as integer) as survey_year,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
