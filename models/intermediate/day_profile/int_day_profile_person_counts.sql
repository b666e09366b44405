-- The persons behind each institution's day profile, per daycare/leisure institution and whole half-year:
-- distinct children who attended at least one expected day, and distinct employees with at least one
-- rota shift on an open day. The publication withholds a profile about fewer than
-- `boernedata:suppression_min_n` of either (marts.institution_day_profile): the staff curve of a house
-- with one or two employees on the rota would show when those persons work.
-- Incremental by half-year, like int_day_profile_child_intervals (macros/incremental.sql); the rota is
-- a dated extract of the incremental plan (boernedata/build/incremental.py), so a re-delivered month of
-- it moves BOERNEDATA_INCREMENTAL_SINCE back too.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_half_years_since() }}",
) }}
with

open_day_periods as (

    select distinct
        institution_id,
        period_id
    from {{ ref('int_day_profile_open_days') }}
    where {{ is_recomputed_half_year('period_id') }}

),

attending_by_half as (

    -- on the integer half-year (macros/periods.sql): tens of millions of child-days
    select
        institution_id,
        {{ half_year_year_of('attendance_date') }} as period_year,
        {{ half_year_half_of('attendance_date') }} as period_half,
        child_person_key
    from {{ ref('int_child_attendance_days') }}
    where is_attended and {{ is_in_recomputed_half_year('attendance_date') }}

),

attending as (

    select
        institution_id,
        {{ half_year_id('period_year', 'period_half') }} as period_id,
        count(distinct child_person_key) as children
    from attending_by_half
    group by institution_id, period_year, period_half

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
    where {{ is_in_recomputed_half_year('shifts.shift_date') }}
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
