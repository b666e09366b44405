-- One row per pupil, school and school year the pupil was enrolled there (any school days): the school
-- days and absent days by type, the pupil's grade, class and class type (of the latest enrollment row in
-- the year) and the reference date of the early warning: the last day enrolled at the school in the year
-- (the school year's end for a pupil still enrolled). Context flags are read as of that date.
with

pupil_years as (

    select * from {{ ref('int_pupil_school_period_absence') }}
    where period_type = 'school_year'

),

enrollments as (

    select * from {{ ref('int_school_enrollments') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_type = 'school_year'

),

enrollments_in_year as (

    select
        enrollments.child_key,
        enrollments.school_id,
        periods.period_id as school_year,
        enrollments.grade,
        enrollments.class_id,
        enrollments.class_type,
        least(coalesce(enrollments.end_date, periods.period_end), periods.period_end) as enrolled_until,
        row_number() over (
            partition by enrollments.child_key, enrollments.school_id, periods.period_id
            order by enrollments.start_date desc, enrollments.class_id desc
        ) as latest_rank
    from enrollments
    inner join periods
        on
            enrollments.start_date <= periods.period_end
            and (enrollments.end_date is null or enrollments.end_date >= periods.period_start)

),

latest_enrollment as (

    select
        child_key,
        school_id,
        school_year,
        max(case when latest_rank = 1 then grade end) as grade,
        max(case when latest_rank = 1 then class_id end) as class_id,
        max(case when latest_rank = 1 then class_type end) as class_type,
        max(enrolled_until) as reference_date
    from enrollments_in_year
    group by child_key, school_id, school_year

)

select
    pupil_years.child_key,
    pupil_years.school_id,
    pupil_years.period_id as school_year,
    periods.previous_period_id as previous_school_year,
    latest_enrollment.grade,
    latest_enrollment.class_id,
    latest_enrollment.class_type,
    latest_enrollment.reference_date,
    pupil_years.school_days,
    pupil_years.absent_days,
    pupil_years.sick_days,
    pupil_years.authorized_days,
    pupil_years.unauthorized_days
from pupil_years
inner join periods
    on pupil_years.period_id = periods.period_id
left join latest_enrollment
    on
        pupil_years.child_key = latest_enrollment.child_key
        and pupil_years.school_id = latest_enrollment.school_id
        and pupil_years.period_id = latest_enrollment.school_year
