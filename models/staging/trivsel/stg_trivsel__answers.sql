-- Keyed by the person register's integer key, without joining the register: the millions of answer
-- rows are deduplicated and grouped per pupil (int_pupil_wellbeing_scores), which then looks up the
-- pseudonym once per pupil score.
with

source as (

    select * from {{ source('trivsel', 'svar') }}

),

renamed as (

    select
        person_key as child_person_key,
        school_id,
        grade,
        survey_version,
        question_no,
        answer,
        cast(_period as integer) as survey_year,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from source

)

select * from renamed
