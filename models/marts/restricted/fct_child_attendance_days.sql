-- Restricted, child-level (internal warehouse only): one row per child, daycare/leisure institution and
-- expected day, with whether the child came, the first check-in, the last real check-out and the hours
-- between. The logic, its column documentation and its unit tests live in int_child_attendance_days
-- (models/intermediate/daycare/), keyed by the integer person key; this mart adds the child's pseudonym
-- (child_key) from the person register for the data team.
select
    persons.pseudonym as child_key,
    attendance_days.*
from {{ ref('int_child_attendance_days') }} as attendance_days
left join {{ ref('stg_landing__persons') }} as persons
    on attendance_days.child_person_key = persons.person_key
