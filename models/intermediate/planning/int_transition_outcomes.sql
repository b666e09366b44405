-- How a daycare institution's former children fare in their first school years, per daycare institution
-- and school-start year (before disclosure control), over the children of int_child_school_starts
-- attributed to it:
--   children               children who started school (the sum of marts.transitions over its schools)
--   grade0_absence_pct     100 x Σ absent days / Σ school days of those children in the school year they
--                          started (grade 0), at whichever schools they attended (a child who changes
--                          school counts at each for its own days); only when that school year is whole
--                          for sk_absence_pct (int_indicator_period_coverage), else NULL
--   grade0_absence_children   children with at least one school day behind it
--   wellbeing_0_3_mean     the mean of the children's pupil scores on sk_wellbeing_general_0_3 (the 0.-3.
--                          grade survey, 1-3 points) in the surveys of their first four school years; a
--                          child answering two springs counts twice, a score NULL (fewer than half the
--                          items answered) not at all
--   wellbeing_0_3_children children with at least one score behind it
with
school_starts as (
    select * from {{ ref('int_child_school_starts') }}
    where from_institution_id is not null
),

absence as (
    select * from {{ ref('int_pupil_school_period_absence') }}
    where period_type = 'school_year'
),

coverage as (
    select * from {{ ref('int_indicator_period_coverage') }}
    where indicator_code = 'sk_absence_pct' and is_whole_period
),

wellbeing as (
    select * from {{ ref('int_pupil_wellbeing_scores') }}
    where indicator_code = 'sk_wellbeing_general_0_3' and pupil_score is not null
),

children as (
    select
        from_institution_id,
        school_start_year,
        count(*) as children
    from school_starts
    group by from_institution_id, school_start_year
),

grade0_absence as (
    select
        school_starts.from_institution_id,
        school_starts.school_start_year,
        sum(absence.absent_days) as absent_days,
        sum(absence.school_days) as school_days,
        count(distinct absence.child_key) as pupils
    from school_starts
    inner join absence
        on
            school_starts.child_key = absence.child_key
            and absence.period_id = {{ school_year_id('school_starts.school_start_year') }}
    inner join coverage
        on absence.period_id = coverage.period_id
    group by school_starts.from_institution_id, school_starts.school_start_year
),

wellbeing_scores as (
    select
        school_starts.from_institution_id,
        school_starts.school_start_year,
        {{ exact_avg('wellbeing.pupil_score') }} as mean_score,
        count(distinct wellbeing.child_key) as pupils
    from school_starts
    inner join wellbeing
        on
            school_starts.child_key = wellbeing.child_key
            and wellbeing.survey_year between school_starts.school_start_year + 1
            and school_starts.school_start_year + 4
    group by school_starts.from_institution_id, school_starts.school_start_year
)

select
    children.from_institution_id,
    children.school_start_year,
    children.children,
    case
        when grade0_absence.school_days > 0
            then 100 * cast(grade0_absence.absent_days as double) / grade0_absence.school_days
    end as grade0_absence_pct,
    coalesce(grade0_absence.pupils, 0) as grade0_absence_children,
    wellbeing_scores.mean_score as wellbeing_0_3_mean,
    coalesce(wellbeing_scores.pupils, 0) as wellbeing_0_3_children
from children
left join grade0_absence
    on
        children.from_institution_id = grade0_absence.from_institution_id
        and children.school_start_year = grade0_absence.school_start_year
left join wellbeing_scores
    on
        children.from_institution_id = wellbeing_scores.from_institution_id
        and children.school_start_year = wellbeing_scores.school_start_year
