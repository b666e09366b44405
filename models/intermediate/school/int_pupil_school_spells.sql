-- Enrollment spells per pupil and school: the elever rows of one pupil at one school merged where they
-- overlap (a class change can be delivered as two rows sharing a day). Counting school days per spell
-- then counts each (pupil, school, day) once; a pupil who changes school gets a spell at each school.
with

enrollments as (

    select * from {{ ref('int_school_enrollments') }}

)

{{ merged_spells('enrollments', ['child_key', 'school_id']) }}
