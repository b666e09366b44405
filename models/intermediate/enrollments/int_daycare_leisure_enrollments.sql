-- Daycare and leisure enrollments as KBH Barn knows them now (latest full snapshot is the truth),
-- with the sector of the institution and the place factor of the place type.
with

enrollments as (

    select * from {{ ref('stg_kbhbarn__enrollments') }}

),

place_types as (

    select * from {{ ref('place_types') }}

)

select
    enrollments.child_key,
    enrollments.child_person_key,
    enrollments.birth_date,
    enrollments.sex,
    enrollments.institution_id,
    enrollments.group_name,
    enrollments.place_type,
    place_types.place_factor,
    enrollments.start_date,
    enrollments.end_date
from enrollments
inner join place_types
    on enrollments.place_type = place_types.place_type
where enrollments.snapshot_date = (select max(latest.snapshot_date) from enrollments as latest)
