-- Restricted, child-level (internal warehouse only; never published, never in a data package): the
-- early-warning list of pupils, one row per pupil, school and school year with >= 20 school days. The
-- logic, its column documentation and its unit tests live in int_pupil_absence_early_warning
-- (models/intermediate/early_warning/); this mart only exposes it to the early-prevention team.
select * from {{ ref('int_pupil_absence_early_warning') }}
