-- The leaving exam indicators per school and school year:
-- sk_exam_avg: the mean of pupil averages over pupils with a grade in all 8 compulsory codes (numerator
--   = sum of pupil averages, denominator = n = those pupils);
-- sk_exam_02_da_ma_pct: among pupils with at least one DA_* and one MA_* grade, those whose mean DA_* and
--   mean MA_* grade are both at least 02 (boernedata:exam_pass_grade).
with

pupils as (

    select * from {{ ref('int_pupil_exam_averages') }}

),

exam_average as (

    select
        school_id,
        school_year,
        {{ exact_sum('exam_average') }} as pupil_average_sum,
        count(*) as pupils
    from pupils
    where exam_average is not null
    group by school_id, school_year

),

danish_and_maths as (

    select
        school_id,
        school_year,
        sum(case when has_02_danish_and_maths then 1 else 0 end) as passing_pupils,
        count(*) as pupils
    from pupils
    where danish_mean_grade is not null and maths_mean_grade is not null
    group by school_id, school_year

)

select
    school_id as institution_id,
    'sk_exam_avg' as indicator_code,
    'school_year' as period_type,
    school_year as period_id,
    pupil_average_sum as numerator,
    pupils as denominator,
    pupils as n
from exam_average
union all
select
    school_id as institution_id,
    'sk_exam_02_da_ma_pct' as indicator_code,
    'school_year' as period_type,
    school_year as period_id,
    passing_pupils as numerator,
    pupils as denominator,
    pupils as n
from danish_and_maths
