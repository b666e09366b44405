-- One row per institution and month with staff rows in the HR snapshot: the monthly sums the staff
-- indicators average or add up. A period's staff FTE is the mean of these monthly sums over the months
-- of the period that have a row here (docs/publication_rules.md, "Staff FTE"), so a month
-- without staff rows is never averaged in as zero.
with

employee_months as (

    select * from {{ ref('int_staff_employee_months') }}

)

select
    institution_id,
    month_start,
    sector,
    count(*) as staff_rows,
    {{ exact_sum('case when is_pedagogical then ratio_fte else 0 end') }} as pedagogical_fte,
    {{ exact_sum('case when is_pedagogical and is_trained_pedagogue then ratio_fte else 0 end') }}
        as trained_pedagogical_fte,
    {{ exact_sum('case when is_teacher then ratio_fte else 0 end') }} as teacher_fte,
    {{ exact_sum('case when is_teacher and is_trained_pedagogue then ratio_fte else 0 end') }}
        as trained_teacher_fte,
    -- sickness counts over all staff rows (leave and state-pool rows included; leave rows plan 0 days)
    {{ exact_sum('sick_days') }} as sick_days,
    {{ exact_sum('planned_days') }} as planned_days
from employee_months
group by institution_id, month_start, sector
