-- The wellbeing indicators per school and school year: the mean of pupil scores (numerator = sum of
-- pupil scores, denominator = n = pupils with a score). Pupils who answered fewer than half of an
-- indicator's items have no score and are left out, not counted as zero.
with

scores as (

    select * from {{ ref('int_pupil_wellbeing_scores') }}
    where pupil_score is not null

)

select
    school_id as institution_id,
    indicator_code,
    'school_year' as period_type,
    school_year as period_id,
    {{ exact_sum('pupil_score') }} as numerator,
    count(*) as denominator,
    count(distinct child_key) as n
from scores
group by school_id, indicator_code, school_year
