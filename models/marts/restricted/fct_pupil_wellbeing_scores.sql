-- Restricted, child-level (internal warehouse only): one row per pupil, school, school year and wellbeing
-- indicator: the pupil score when the pupil answered at least half of the items. The logic, its column
-- documentation and its unit tests live in int_pupil_wellbeing_scores (models/intermediate/school/);
-- this mart only exposes it to the data team.
select * from {{ ref('int_pupil_wellbeing_scores') }}
