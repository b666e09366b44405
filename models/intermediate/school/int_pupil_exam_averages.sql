-- One row per pupil, school and school year of leaving exams: the pupil's grade average over the 8
-- compulsory exam codes (only when the pupil has a grade in all 8) and the mean DA_* and MA_* grades.
-- Per exam code the grade with the latest exam_date counts (a re-take replaces the first attempt).
-- Grades are the 7-step scale as points: 12, 10, 7, 4, 02 = 2, 00 = 0, -3 (stg_prover__exam_grades).
with

grades as (

    select * from {{ ref('stg_prover__exam_grades') }}

),

compulsory_codes as (

    select * from {{ ref('compulsory_exam_codes') }}

),

ranked_grades as (

    select
        child_key,
        school_id,
        {{ school_year_of('exam_date') }} as school_year,
        exam_code,
        grade_points,
        row_number() over (
            partition by child_key, school_id, {{ school_year_of('exam_date') }}, exam_code
            order by exam_date desc, loaded_at desc, source_file desc, source_line desc
        ) as attempt_rank
    from grades

),

final_grades as (

    select
        ranked_grades.child_key,
        ranked_grades.school_id,
        ranked_grades.school_year,
        ranked_grades.exam_code,
        ranked_grades.grade_points,
        compulsory_codes.exam_code is not null as is_compulsory
    from ranked_grades
    left join compulsory_codes
        on ranked_grades.exam_code = compulsory_codes.exam_code
    where ranked_grades.attempt_rank = 1

),

per_pupil as (

    select
        child_key,
        school_id,
        school_year,
        sum(case when is_compulsory then 1 else 0 end) as compulsory_grades,
        sum(case when is_compulsory then grade_points end) as compulsory_grade_sum,
        cast(
            avg(case when substring(exam_code, 1, 3) = 'DA_' then grade_points end) as double
        ) as danish_mean_grade,
        cast(
            avg(case when substring(exam_code, 1, 3) = 'MA_' then grade_points end) as double
        ) as maths_mean_grade
    from final_grades
    group by child_key, school_id, school_year

)

select
    per_pupil.child_key,
    per_pupil.school_id,
    per_pupil.school_year,
    per_pupil.compulsory_grades,
    case
        when per_pupil.compulsory_grades = (select count(*) from compulsory_codes)
            then cast(per_pupil.compulsory_grade_sum as double) / per_pupil.compulsory_grades
    end as exam_average,
    per_pupil.danish_mean_grade,
    per_pupil.maths_mean_grade,
    per_pupil.danish_mean_grade >= {{ var('boernedata:exam_pass_grade') }}
    and per_pupil.maths_mean_grade >= {{ var('boernedata:exam_pass_grade') }} as has_02_danish_and_maths
from per_pupil
