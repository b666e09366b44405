-- Restricted, child-level (internal warehouse only): one row per pupil, school and calendar quarter of a
-- school year: school days enrolled and unauthorized absent days (the 15 % rule). The logic, its column
-- documentation and its unit tests live in int_pupil_school_quarter_absence (models/intermediate/school/);
-- this mart only exposes it to the data team.
select * from {{ ref('int_pupil_school_quarter_absence') }}
