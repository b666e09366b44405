-- Staff indicators from the monthly HR snapshot. dt_paedagog_share (half_year, daycare): period FTE of
-- trained pedagogical staff / period pedagogical FTE, each the mean of the monthly sums over the months
-- of P with staff rows (leaders weighted, leave and state-pool rows out). sk_teacher_paedagog_share
-- (school_year): the same for Lærer over the months boernedata:teacher_share_months (Aug-Jun).
-- dt_staff_sick_pct / sk_staff_sick_pct: sick days / planned days over all staff rows of the months of P
-- (half-year, resp. Aug-Jul). Sector = the register version valid on the period's last day. n = distinct
-- employees in the denominator.
{%- set teacher_share_months = var('boernedata:teacher_share_months') | join(', ') %}

with

employee_months as (

    select * from {{ ref('int_staff_employee_months') }}

),

institution_months as (

    select * from {{ ref('int_staff_fte_institution_months') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_type in ('half_year', 'school_year')

),

institution_periods as (

    select * from {{ ref('int_institution_periods') }}

),

period_months as (

    select
        months.institution_id,
        periods.period_type,
        periods.period_id,
        months.pedagogical_fte,
        months.trained_pedagogical_fte,
        months.sick_days,
        months.planned_days,
        -- null outside the teacher-share months, so avg() leaves those months out
        case
            when extract(month from months.month_start) in ({{ teacher_share_months }})
                then months.teacher_fte
        end as teacher_share_fte,
        case
            when extract(month from months.month_start) in ({{ teacher_share_months }})
                then months.trained_teacher_fte
        end as teacher_share_trained_fte
    from institution_months as months
    inner join periods
        on months.month_start between periods.period_start and periods.period_end

),

period_figures as (

    select
        institution_id,
        period_type,
        period_id,
        {{ exact_avg('pedagogical_fte') }} as pedagogical_fte,
        {{ exact_avg('trained_pedagogical_fte') }} as trained_pedagogical_fte,
        {{ exact_avg('teacher_share_fte') }} as teacher_fte,
        {{ exact_avg('teacher_share_trained_fte') }} as trained_teacher_fte,
        {{ exact_sum('sick_days') }} as sick_days,
        {{ exact_sum('planned_days') }} as planned_days
    from period_months
    group by institution_id, period_type, period_id

),

period_employees as (

    select
        employees.institution_id,
        periods.period_type,
        periods.period_id,
        count(distinct case
            when employees.is_pedagogical and employees.counts_in_ratios then employees.employee_id
        end) as pedagogical_employees,
        count(distinct case
            when
                employees.is_teacher and employees.counts_in_ratios
                and extract(month from employees.month_start) in ({{ teacher_share_months }})
                then employees.employee_id
        end) as teachers,
        count(distinct case
            when employees.planned_days > 0 then employees.employee_id
        end) as planning_employees
    from employee_months as employees
    inner join periods
        on employees.month_start between periods.period_start and periods.period_end
    group by employees.institution_id, periods.period_type, periods.period_id

),

combined as (

    select
        figures.*,
        institution_periods.sector,
        employees.pedagogical_employees,
        employees.teachers,
        employees.planning_employees
    from period_figures as figures
    inner join institution_periods
        on
            figures.institution_id = institution_periods.institution_id
            and figures.period_id = institution_periods.period_id
    inner join period_employees as employees
        on
            figures.institution_id = employees.institution_id
            and figures.period_id = employees.period_id

)

select
    institution_id,
    'dt_paedagog_share' as indicator_code,
    period_type,
    period_id,
    trained_pedagogical_fte as numerator,
    pedagogical_fte as denominator,
    pedagogical_employees as n
from combined
where sector = 'dagtilbud' and period_type = 'half_year'

union all

select
    institution_id,
    'dt_staff_sick_pct' as indicator_code,
    period_type,
    period_id,
    sick_days as numerator,
    planned_days as denominator,
    planning_employees as n
from combined
where sector = 'dagtilbud' and period_type = 'half_year'

union all

-- a school year whose only staff months are outside Aug-Jun has no teacher FTE: no row
select
    institution_id,
    'sk_teacher_paedagog_share' as indicator_code,
    period_type,
    period_id,
    trained_teacher_fte as numerator,
    teacher_fte as denominator,
    teachers as n
from combined
where sector = 'skole' and period_type = 'school_year' and teacher_fte is not null

union all

select
    institution_id,
    'sk_staff_sick_pct' as indicator_code,
    period_type,
    period_id,
    sick_days as numerator,
    planned_days as denominator,
    planning_employees as n
from combined
where sector = 'skole' and period_type = 'school_year'
