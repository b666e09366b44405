-- School enrollments as the source system knows them now: elever is delivered as full snapshots and the
-- latest snapshot is the current truth (a row missing from it was deleted or corrected at the source).
with

enrollments as (

    select * from {{ ref('stg_skoleadm__enrollments') }}

)

select
    enrollments.child_key,
    enrollments.child_person_key,
    enrollments.birth_date,
    enrollments.sex,
    enrollments.school_id,
    enrollments.grade,
    enrollments.class_id,
    enrollments.class_type,
    enrollments.start_date,
    enrollments.end_date
from enrollments
where enrollments.snapshot_date = (select max(latest.snapshot_date) from enrollments as latest)
