-- One row per pupil, school and school day enrolled: the denominator of every absence indicator. A pupil
-- who changes school counts at each school for its own days (indicators.md), and the absence truth is
-- the latest registration for the pupil and date (a later row is a correction).
with

enrollments as (

    select * from {{ ref('int_school_enrollments') }}

),

school_days as (

    select distinct school_date from {{ ref('stg_skoleadm__school_days') }}

),

absences as (

    select * from {{ ref('stg_skoleadm__absences') }}

),

absence_truth as (

    select
        child_key,
        school_id,
        absence_date,
        absence_type,
        row_number() over (
            partition by child_key, absence_date order by registered_at desc, source_line desc
        ) as registration_rank
    from absences

),

pupil_days as (

    select distinct
        enrollments.child_key,
        enrollments.school_id,
        school_days.school_date
    from enrollments
    inner join school_days
        on
            enrollments.start_date <= school_days.school_date
            and (enrollments.end_date is null or enrollments.end_date >= school_days.school_date)

)

select
    pupil_days.child_key,
    pupil_days.school_id,
    pupil_days.school_date,
    absence_truth.absence_type
from pupil_days
left join absence_truth
    on
        pupil_days.child_key = absence_truth.child_key
        and pupil_days.school_id = absence_truth.school_id
        and pupil_days.school_date = absence_truth.absence_date
        and absence_truth.registration_rank = 1
