-- dt_language_focus_pct (calendar year) and dt_school_readiness_pct (school year) per daycare institution,
-- from the language assessments. The result groups are project vars: boernedata:language_focus_result_groups
-- (fokuseret, saerlig) and boernedata:language_ready_result_groups (generel).
--  * dt_language_focus_pct: assessments in a focus group over all assessments made at the institution in
--    the calendar year (the unit is the assessment; n is the distinct children assessed).
--  * dt_school_readiness_pct: children with a `skolestart` assessment dated in the school year (taken in
--    børnehaveklasse, so its institution_id is the school), each attributed to the daycare institution
--    it was last enrolled in before the assessment: among the child's daycare enrollments that started on
--    or before the assessment date, the one whose enrollment reaches latest (capped at the assessment
--    date; ties: the later start). Leisure enrollments (SFO from April) do not count. A child assessed
--    twice in a school year counts once, by its latest assessment; a child without a daycare enrollment
--    before the assessment is not attributed anywhere.
{%- set focus_groups = "'" ~ var('boernedata:language_focus_result_groups') | join("', '") ~ "'" %}
{%- set ready_groups = "'" ~ var('boernedata:language_ready_result_groups') | join("', '") ~ "'" %}
with

assessments as (

    select * from {{ ref('stg_kbhbarn__language_assessments') }}

),

enrollments as (

    select * from {{ ref('int_daycare_leisure_enrollments') }}

),

institution_periods as (

    select * from {{ ref('int_institution_periods') }}

),

focus_per_institution as (

    select
        assessments.institution_id,
        institution_periods.period_type,
        institution_periods.period_id,
        sum(
            case when assessments.result_group in ({{ focus_groups }}) then 1 else 0 end
        ) as focus_assessments,
        count(*) as all_assessments,
        count(distinct assessments.child_key) as children
    from assessments
    inner join institution_periods
        on
            assessments.institution_id = institution_periods.institution_id
            and institution_periods.period_type = 'calendar_year'
            and assessments.assessment_date >= institution_periods.period_start
            and assessments.assessment_date <= institution_periods.period_end
    where institution_periods.sector = 'dagtilbud'
    group by assessments.institution_id, institution_periods.period_type, institution_periods.period_id

),

school_start_assessments as (

    select
        child_key,
        assessment_date,
        result_group,
        {{ school_year_of('assessment_date') }} as school_year,
        row_number() over (
            partition by child_key, {{ school_year_of('assessment_date') }}
            order by assessment_date desc, loaded_at desc, source_file desc, source_line desc
        ) as assessment_rank
    from assessments
    where assessment_type = 'skolestart'

),

daycare_enrollments as (

    select
        enrollments.child_key,
        enrollments.institution_id,
        enrollments.start_date,
        enrollments.end_date,
        institution_periods.period_id
    from enrollments
    inner join institution_periods
        on
            enrollments.institution_id = institution_periods.institution_id
            and institution_periods.period_type = 'school_year'
    where institution_periods.sector = 'dagtilbud'

),

attributed as (

    select
        school_start_assessments.child_key,
        school_start_assessments.school_year,
        school_start_assessments.result_group,
        daycare_enrollments.institution_id,
        row_number() over (
            partition by school_start_assessments.child_key, school_start_assessments.school_year
            order by
                least(
                    coalesce(daycare_enrollments.end_date, school_start_assessments.assessment_date),
                    school_start_assessments.assessment_date
                ) desc,
                daycare_enrollments.start_date desc,
                daycare_enrollments.institution_id desc
        ) as enrollment_rank
    from school_start_assessments
    inner join daycare_enrollments
        on
            school_start_assessments.child_key = daycare_enrollments.child_key
            and school_start_assessments.school_year = daycare_enrollments.period_id
            and school_start_assessments.assessment_date >= daycare_enrollments.start_date
    where school_start_assessments.assessment_rank = 1

),

readiness_per_institution as (

    select
        institution_id,
        school_year,
        sum(case when result_group in ({{ ready_groups }}) then 1 else 0 end) as ready_children,
        count(*) as children
    from attributed
    where enrollment_rank = 1
    group by institution_id, school_year

)

select
    institution_id,
    'dt_language_focus_pct' as indicator_code,
    period_type,
    period_id,
    focus_assessments as numerator,
    all_assessments as denominator,
    children as n
from focus_per_institution
union all
select
    institution_id,
    'dt_school_readiness_pct' as indicator_code,
    'school_year' as period_type,
    school_year as period_id,
    ready_children as numerator,
    children as denominator,
    children as n
from readiness_per_institution
