with

source as (

    select * from {{ source('prover', 'karakterer') }}

),

with_persons as (

    {{ join_persons('source') }}

),

renamed as (

    select
        pseudonym as child_key,
        school_id,
        exam_code,
        grade as grade_text,
        cast(grade as integer) as grade_points,
        exam_date,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at

    from with_persons

)

select * from renamed
