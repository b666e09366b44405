-- Restricted, child-level (internal warehouse only): one row per pupil, school and period (school year and
-- half-year): school days enrolled and absent days by type. The logic, its column documentation and its unit
-- tests live in int_pupil_school_period_absence (models/intermediate/school/); this mart only exposes it to
-- the data team.
select * from {{ ref('int_pupil_school_period_absence') }}
