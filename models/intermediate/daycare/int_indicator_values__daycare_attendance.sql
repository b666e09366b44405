-- Attendance per daycare and leisure institution and half-year, from the expected days of
-- int_child_attendance_days. The sector is that of the register version valid on the period's last day.
--   dt_attendance_pct, fr_attendance_pct  attended days / expected days; n = children with an expected day
--   dt_missing_checkout_pct               attended days without a real check-out / attended days;
--                                         n = children with an attended day
--   dt_hours_per_day                      hours summed over attended days with a real check-out / those
--                                         days (a mean); n = children with such a day
-- Days are summed per child first, so the children behind each denominator are counted without a
-- distinct count over the day rows.
-- Incremental by half-year (macros/incremental.sql): a nightly build recounts the half-years that
-- BOERNEDATA_INCREMENTAL_SINCE reaches, whole, and keeps the earlier ones.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_half_years_since() }}",
) }}
with

child_days as (

    -- the half-year as two integers (macros/periods.sql): cheaper to group tens of millions of rows by
    select
        institution_id,
        {{ half_year_year_of('attendance_date') }} as period_year,
        {{ half_year_half_of('attendance_date') }} as period_half,
        child_person_key,
        is_attended,
        has_missing_checkout,
        attended_hours
    from {{ ref('int_child_attendance_days') }}
    where {{ is_in_recomputed_half_year('attendance_date') }}

),

institution_periods as (

    select
        institution_id,
        period_id,
        sector
    from {{ ref('int_institution_periods') }}
    where period_type = 'half_year' and {{ is_recomputed_half_year('period_id') }}

),

child_periods as (

    select
        institution_id,
        {{ half_year_id('period_year', 'period_half') }} as period_id,
        child_person_key,
        count(*) as expected_days,
        sum(case when is_attended then 1 else 0 end) as attended_days,
        sum(case when has_missing_checkout then 1 else 0 end) as missing_checkout_days,
        count(attended_hours) as checked_out_days,
        {{ exact_sum('attended_hours') }} as attended_hours
    from child_days
    group by institution_id, period_year, period_half, child_person_key

),

institution_totals as (

    select
        child_periods.institution_id,
        child_periods.period_id,
        institution_periods.sector,
        sum(child_periods.expected_days) as expected_days,
        sum(child_periods.attended_days) as attended_days,
        sum(child_periods.missing_checkout_days) as missing_checkout_days,
        sum(child_periods.checked_out_days) as checked_out_days,
        {{ exact_sum('child_periods.attended_hours') }} as attended_hours,
        count(*) as expected_children,
        sum(case when child_periods.attended_days > 0 then 1 else 0 end) as attended_children,
        sum(case when child_periods.checked_out_days > 0 then 1 else 0 end) as checked_out_children
    from child_periods
    inner join institution_periods
        on
            child_periods.institution_id = institution_periods.institution_id
            and child_periods.period_id = institution_periods.period_id
    where institution_periods.sector in ('dagtilbud', 'fritid')
    group by child_periods.institution_id, child_periods.period_id, institution_periods.sector

),

indicator_rows as (

    select
        institution_id,
        case sector when 'dagtilbud' then 'dt_attendance_pct' else 'fr_attendance_pct' end as indicator_code,
        period_id,
        attended_days as numerator,
        expected_days as denominator,
        expected_children as n
    from institution_totals
    union all
    select
        institution_id,
        'dt_missing_checkout_pct' as indicator_code,
        period_id,
        missing_checkout_days as numerator,
        attended_days as denominator,
        attended_children as n
    from institution_totals
    where sector = 'dagtilbud'
    union all
    select
        institution_id,
        'dt_hours_per_day' as indicator_code,
        period_id,
        attended_hours as numerator,
        checked_out_days as denominator,
        checked_out_children as n
    from institution_totals
    where sector = 'dagtilbud'

)

-- A row exists where its denominator does: no attended day, no missing-checkout or hours value.
select
    institution_id,
    indicator_code,
    'half_year' as period_type,
    period_id,
    numerator,
    denominator,
    n
from indicator_rows
where denominator > 0
