-- Restricted, child-level (internal warehouse only): one row per pupil, school and school year of the leaving
-- exams: the average of the compulsory grades and the Danish/maths pass. The logic, its column documentation
-- and its unit tests live in int_pupil_exam_averages (models/intermediate/school/); this mart only exposes it
-- to the data team.
select * from {{ ref('int_pupil_exam_averages') }}
