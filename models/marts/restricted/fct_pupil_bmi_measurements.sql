-- Restricted, child-level (internal warehouse only): one row per school health measurement: BMI and the IOTF
-- overweight/obesity classification. The logic, its column documentation and its unit tests live in
-- int_pupil_bmi_measurements (models/intermediate/school/); this mart only exposes it to the data team.
select * from {{ ref('int_pupil_bmi_measurements') }}
