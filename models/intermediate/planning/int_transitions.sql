-- Children who moved from a daycare institution to a school, per daycare institution, school and
-- school-start year (before disclosure control): the children of int_child_school_starts with a daycare
-- behind them. A child counts once, at the school of its first grade-0 enrollment.
with
school_starts as (
    select * from {{ ref('int_child_school_starts') }}
    where from_institution_id is not null
)

select
    from_institution_id,
    school_id as to_school_id,
    school_start_year,
    count(*) as children
from school_starts
group by from_institution_id, school_id, school_start_year
