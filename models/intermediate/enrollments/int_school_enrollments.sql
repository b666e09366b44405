-- School enrollments as the source system knows them now: elever is delivered as full snapshots and the
-- latest snapshot is the current truth (a row missing from it was deleted or corrected at the source).
with

enrollments as (

    select * from {{ ref('stg_skoleadm__enrollments') }}

)

select
    child_key,
    birth_date,
    sex,
    school_id,
    grade,
    class_id,
    class_type,
    start_date,
    end_date
from enrollments
where snapshot_date = (select max(snapshot_date) from enrollments)
