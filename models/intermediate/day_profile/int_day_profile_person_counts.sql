-- The persons behind each institution's day profile, per daycare/leisure institution and whole half-year:
-- distinct children who attended at least one expected day, and distinct employees with at least one
-- rota shift on an open day. The publication withholds a profile about fewer than
-- `boernedata:suppression_min_n` of either (marts.institution_day_profile): the staff curve of a house
-- with one or two employees on the rota would show when those persons work.
with

open_day_periods as (

    select distinct
        institution_id,
        period_id
    from {{ ref('int_day_profile_open_days') }}

),

attending as (

    select
        institution_id,
        {{ half_year_of('attendance_date') }} as period_id,
        count(distinct child_person_key) as children
    from {{ ref('int_child_attendance_days') }}
    where is_attended
    group by institution_id, {{ half_year_of('attendance_date') }}

),

open_days as (

    select * from {{ ref('int_daycare_open_days') }}

),

on_rota as (

    select
        shifts.institution_id,
        {{ half_year_of('shifts.shift_date') }} as period_id,
        count(distinct shifts.employee_id) as employees
    from {{ ref('stg_hr__shifts') }} as shifts
    inner join open_days
        on
            shifts.institution_id = open_days.institution_id
            and shifts.shift_date = open_days.open_date
    group by shifts.institution_id, {{ half_year_of('shifts.shift_date') }}

)

select
    open_day_periods.institution_id,
    open_day_periods.period_id,
    coalesce(attending.children, 0) as children,
    coalesce(on_rota.employees, 0) as employees
from open_day_periods
left join attending
    on
        open_day_periods.institution_id = attending.institution_id
        and open_day_periods.period_id = attending.period_id
left join on_rota
    on
        open_day_periods.institution_id = on_rota.institution_id
        and open_day_periods.period_id = on_rota.period_id
