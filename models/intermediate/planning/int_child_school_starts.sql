-- Child-level (internal only). One row per child who started school (børnehaveklasse, grade 0) in the
-- municipality's schools in a school year that starts inside the data window: its first grade-0
-- enrollment (ties: the lower school id) gives the school, the start date and school_start_year (the
-- first year of the school year the start falls in: a start in August 2025 or March 2026 -> 2025). The
-- daycare it came from is attributed as for dt_school_readiness_pct: among its daycare enrollments that
-- started on or before the school start, the one that reaches latest (capped at the school start; ties:
-- the later start, then the higher institution id). from_institution_id is NULL for a child with no
-- daycare enrollment before school (moved here, private care); a daycare child who starts school in
-- another municipality or a private school has no grade-0 enrollment here and no row.
with
school_enrollments as (
    select * from {{ ref('int_school_enrollments') }}
),

daycare_enrollments as (
    select * from {{ ref('int_daycare_leisure_enrollments') }}
),

versions as (
    select * from {{ ref('int_institution_versions') }}
),

data_window as (
    select * from {{ ref('int_data_window') }}
),

daycare_institutions as (
    select distinct institution_id
    from versions
    where sector = 'dagtilbud'
),

first_grade_0 as (
    select
        child_key,
        school_id,
        start_date,
        row_number() over (partition by child_key order by start_date, school_id) as start_rank
    from school_enrollments
    where grade = 0
),

school_starts as (
    select
        first_grade_0.child_key,
        first_grade_0.school_id,
        first_grade_0.start_date as school_start_date,
        cast(
            extract(year from first_grade_0.start_date)
            - case when extract(month from first_grade_0.start_date) < 8 then 1 else 0 end as integer
        ) as school_start_year
    from first_grade_0
    where first_grade_0.start_rank = 1
),

windowed as (
    -- school years whose first day (1 August) lies in the data window: earlier starts predate the data
    select school_starts.*
    from school_starts
    cross join data_window
    where
        {{ date_from_parts('school_starts.school_start_year', 8, 1) }}
        between data_window.window_start and data_window.window_end
),

attributed as (
    select
        windowed.child_key,
        daycare_enrollments.institution_id,
        row_number() over (
            partition by windowed.child_key
            order by
                least(
                    coalesce(daycare_enrollments.end_date, windowed.school_start_date),
                    windowed.school_start_date
                ) desc,
                daycare_enrollments.start_date desc,
                daycare_enrollments.institution_id desc
        ) as enrollment_rank
    from windowed
    inner join daycare_enrollments
        on
            windowed.child_key = daycare_enrollments.child_key
            and windowed.school_start_date >= daycare_enrollments.start_date
    inner join daycare_institutions
        on daycare_enrollments.institution_id = daycare_institutions.institution_id
)

select
    windowed.child_key,
    windowed.school_id,
    windowed.school_start_date,
    windowed.school_start_year,
    attributed.institution_id as from_institution_id
from windowed
left join attributed
    on
        windowed.child_key = attributed.child_key
        and attributed.enrollment_rank = 1
