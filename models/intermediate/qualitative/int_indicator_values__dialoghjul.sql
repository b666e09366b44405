-- dt_dialoghjul_coverage_pct per daycare institution and half-year: of the children aged 3-5 (age >=
-- boernedata:young_child_age_years) enrolled on the institution's last open day of the half-year, the
-- share with at least one dialoghjul rating dated in the half-year made at that same institution (the
-- indicator is about the institution's own development dialogues: a rating a newcomer got at its former
-- institution does not count). Age is in completed years on that day (born 29 Feb: a year older on 1 Mar).
with

open_days as (

    select * from {{ ref('int_daycare_open_days') }}

),

enrollments as (

    select * from {{ ref('int_daycare_leisure_enrollments') }}

),

ratings as (

    select * from {{ ref('stg_kvalitativ__dialogue_ratings') }}

),

institution_periods as (

    select * from {{ ref('int_institution_periods') }}
    where period_type = 'half_year' and sector = 'dagtilbud'

),

-- The last open day per institution and half-year (grouping first is cheaper than a range join of
-- every open day against every period).
half_year_last_open_days as (

    select
        institution_id,
        {{ half_year_of('open_date') }} as period_id,
        max(open_date) as last_open_date
    from open_days
    group by institution_id, {{ half_year_of('open_date') }}

),

last_open_days as (

    select
        institution_periods.institution_id,
        institution_periods.period_type,
        institution_periods.period_id,
        institution_periods.period_start,
        institution_periods.period_end,
        half_year_last_open_days.last_open_date
    from institution_periods
    inner join half_year_last_open_days
        on
            institution_periods.institution_id = half_year_last_open_days.institution_id
            and institution_periods.period_id = half_year_last_open_days.period_id

),

enrolled_on_last_day as (

    select distinct
        last_open_days.institution_id,
        last_open_days.period_type,
        last_open_days.period_id,
        last_open_days.period_start,
        last_open_days.period_end,
        enrollments.child_key
    from last_open_days
    inner join enrollments
        on
            last_open_days.institution_id = enrollments.institution_id
            and last_open_days.last_open_date >= enrollments.start_date
            and (enrollments.end_date is null or last_open_days.last_open_date <= enrollments.end_date)
    where
        {{ age_in_completed_months('enrollments.birth_date', 'last_open_days.last_open_date') }}
        >= 12 * {{ var('boernedata:young_child_age_years') }}

),

rated_children as (

    select distinct
        institution_id,
        child_key,
        assessment_date
    from ratings

),

covered as (

    select
        enrolled_on_last_day.institution_id,
        enrolled_on_last_day.period_type,
        enrolled_on_last_day.period_id,
        enrolled_on_last_day.child_key,
        max(
            case when rated_children.child_key is not null then 1 else 0 end
        ) as has_rating
    from enrolled_on_last_day
    left join rated_children
        on
            enrolled_on_last_day.institution_id = rated_children.institution_id
            and enrolled_on_last_day.child_key = rated_children.child_key
            and rated_children.assessment_date
            between enrolled_on_last_day.period_start and enrolled_on_last_day.period_end
    group by
        enrolled_on_last_day.institution_id,
        enrolled_on_last_day.period_type,
        enrolled_on_last_day.period_id,
        enrolled_on_last_day.child_key

)

select
    institution_id,
    'dt_dialoghjul_coverage_pct' as indicator_code,
    period_type,
    period_id,
    sum(has_rating) as numerator,
    count(*) as denominator,
    count(*) as n
from covered
group by institution_id, period_type, period_id
