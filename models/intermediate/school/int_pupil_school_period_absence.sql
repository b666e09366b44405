-- One row per pupil, school and period (school year, half-year, calendar year) with the school days the pupil
-- was enrolled at the school in the period and the absent days among them by type. The grain of every absence
-- indicator and of the pupil count behind sk_net_cost_per_pupil: a pupil who changes school counts at each
-- school for its own days (docs/publication_rules.md). School days are counted per enrollment spell from
-- the running calendar count (macro school_days_enrolled), so no pupil x day rows are made.
-- Incremental by period (macros/incremental.sql): a nightly build recomputes, whole, the periods that end
-- on or after BOERNEDATA_INCREMENTAL_SINCE and keeps those that ended before (their absence days, school
-- calendar and enrollment spells are unchanged: a new enrollment snapshot makes the build full).
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_periods_since() }}",
) }}
with

spells as (

    select * from {{ ref('int_pupil_school_spells') }}

),

calendar_days as (

    select * from {{ ref('int_school_calendar_days') }}

),

absence_days as (

    select * from {{ ref('int_pupil_absence_days') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_type in ('school_year', 'half_year', 'calendar_year') and {{ is_recomputed('period_end') }}

),

enrolled_days as (

    {{ school_days_enrolled(
        'spells', 'calendar_days', 'periods', ['period_type', 'period_id'], 'period_start', 'period_end'
    ) }}

),

-- the periods each absence date lies in (a few per date), for an equality join with the absence days.
-- The dates are read from the model, not the absence_days import: a CTE used twice is materialized.
date_periods as (

    {{ dates_in_windows(
        ref('int_pupil_absence_days'), 'absence_date', 'periods', ['period_type', 'period_id'],
        'period_start', 'period_end'
    ) }}

),

absent_days as (

    select
        absence_days.child_key,
        absence_days.school_id,
        date_periods.period_type,
        date_periods.period_id,
        count(*) as absent_days,
        count(case when absence_days.absence_type = 'S' then 1 end) as sick_days,
        count(case when absence_days.absence_type = 'L' then 1 end) as authorized_days,
        count(case when absence_days.absence_type = 'U' then 1 end) as unauthorized_days
    from absence_days
    inner join date_periods
        on absence_days.absence_date = date_periods.absence_date
    group by absence_days.child_key, absence_days.school_id, date_periods.period_type, date_periods.period_id

)

select
    enrolled_days.child_key,
    enrolled_days.school_id,
    enrolled_days.period_type,
    enrolled_days.period_id,
    enrolled_days.school_days,
    coalesce(absent_days.absent_days, 0) as absent_days,
    coalesce(absent_days.sick_days, 0) as sick_days,
    coalesce(absent_days.authorized_days, 0) as authorized_days,
    coalesce(absent_days.unauthorized_days, 0) as unauthorized_days
from enrolled_days
left join absent_days
    on
        enrolled_days.child_key = absent_days.child_key
        and enrolled_days.school_id = absent_days.school_id
        and enrolled_days.period_id = absent_days.period_id
where enrolled_days.school_days > 0
