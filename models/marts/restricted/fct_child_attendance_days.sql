-- Restricted, child-level (internal warehouse only): one row per child, daycare/leisure institution and
-- expected day, with whether the child came, the first check-in, the last real check-out and the hours
-- between. The logic, its column documentation and its unit tests live in int_child_attendance_days
-- (models/intermediate/daycare/); this mart only exposes it to the data team.
select * from {{ ref('int_child_attendance_days') }}
