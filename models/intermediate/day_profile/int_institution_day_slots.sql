-- The day profile before publication: one row per daycare/leisure institution, whole half-year, weekday
-- with open days, and slot of the day (06:00-18:00 in quarter hours by default), with the child-days and
-- shift-days present in the slot summed over the open days of that weekday, their means per open day, the
-- weighted children per adult on shift and whether the slot is below the norm. Institution-periods
-- without any attending child or any rota shift have no rows: without both there is no staffing to show.
-- The sweep: each span adds +count at its first slot and -count at its end slot; a running sum over the
-- slots gives presence (sums over days are sums of per-day sweeps, so the mean over open days needs no
-- per-day rows). Weighted sums are exact decimals, so a slot everyone has left is exactly 0.
-- Edge cases: a slot with children and no adult has children_per_adult NULL and is below the norm (no
-- ratio is worse); a slot with neither is NULL and not below; exactly the norm is not below (the issue:
-- "above 6 weighted children per adult").
-- Incremental by half-year (macros/incremental.sql): every input is per half-year, so a nightly build
-- sweeps the half-years that BOERNEDATA_INCREMENTAL_SINCE reaches and keeps the earlier ones.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_half_years_since() }}",
) }}
{%- set slot_count = day_profile_slot_count() | trim | int %}
with

open_day_periods as (

    select * from {{ ref('int_day_profile_open_days') }}
    where {{ is_recomputed_half_year('period_id') }}

),

person_counts as (

    select * from {{ ref('int_day_profile_person_counts') }}
    where children > 0 and employees > 0 and {{ is_recomputed_half_year('period_id') }}

),

child_intervals as (

    select * from {{ ref('int_day_profile_child_intervals') }}
    where {{ is_recomputed_half_year('period_id') }}

),

shift_intervals as (

    select
        institution_id,
        period_id,
        weekday,
        {{ day_profile_slot_from('start_offset_seconds') }} as slot_from,
        {{ day_profile_slot_until('end_offset_seconds') }} as slot_until,
        shift_days
    from {{ ref('int_day_profile_shift_intervals') }}
    where {{ is_recomputed_half_year('period_id') }}

),

slots as (

    {{ integer_series(0, slot_count - 1) }}

),

deltas as (

    select
        institution_id,
        period_id,
        weekday,
        slot_from as slot,
        child_days as child_delta,
        cast(
            child_days * child_weight as decimal(38, {{ var('boernedata:sum_decimals') }})
        ) as weighted_delta,
        0 as shift_delta
    from child_intervals
    union all
    select
        institution_id,
        period_id,
        weekday,
        slot_until as slot,
        -child_days as child_delta,
        -cast(
            child_days * child_weight as decimal(38, {{ var('boernedata:sum_decimals') }})
        ) as weighted_delta,
        0 as shift_delta
    from child_intervals
    union all
    select
        institution_id,
        period_id,
        weekday,
        slot_from as slot,
        0 as child_delta,
        0 as weighted_delta,
        shift_days as shift_delta
    from shift_intervals
    where slot_from < slot_until
    union all
    select
        institution_id,
        period_id,
        weekday,
        slot_until as slot,
        0 as child_delta,
        0 as weighted_delta,
        -shift_days as shift_delta
    from shift_intervals
    where slot_from < slot_until

),

slot_deltas as (

    -- the end slot of a span that lasts to the day's end lies past the grid and drops out here
    select
        institution_id,
        period_id,
        weekday,
        slot,
        sum(child_delta) as child_delta,
        sum(weighted_delta) as weighted_delta,
        sum(shift_delta) as shift_delta
    from deltas
    where slot < {{ slot_count }}
    group by institution_id, period_id, weekday, slot

),

grid as (

    select
        open_day_periods.institution_id,
        open_day_periods.period_id,
        open_day_periods.weekday,
        open_day_periods.open_days,
        slots.n as slot
    from open_day_periods
    inner join person_counts
        on
            open_day_periods.institution_id = person_counts.institution_id
            and open_day_periods.period_id = person_counts.period_id
    cross join slots

),

swept as (

    select
        grid.institution_id,
        grid.period_id,
        grid.weekday,
        grid.slot,
        grid.open_days,
        sum(coalesce(slot_deltas.child_delta, 0)) over day_so_far as child_days_present,
        sum(coalesce(slot_deltas.weighted_delta, 0)) over day_so_far as weighted_child_days_present,
        sum(coalesce(slot_deltas.shift_delta, 0)) over day_so_far as shift_days_on
    from grid
    left join slot_deltas
        on
            grid.institution_id = slot_deltas.institution_id
            and grid.period_id = slot_deltas.period_id
            and grid.weekday = slot_deltas.weekday
            and grid.slot = slot_deltas.slot
    window day_so_far as (
        partition by grid.institution_id, grid.period_id, grid.weekday
        order by grid.slot
        rows between unbounded preceding and current row
    )

)

select
    institution_id,
    period_id,
    weekday,
    slot,
    {{ day_profile_slot_start('slot') }} as slot_start,
    open_days,
    cast(child_days_present as bigint) as child_days_present,
    cast(weighted_child_days_present as double) as weighted_child_days_present,
    cast(shift_days_on as bigint) as shift_days_on,
    cast(child_days_present as double) / open_days as children_present,
    cast(weighted_child_days_present as double) / open_days as children_present_weighted,
    cast(shift_days_on as double) / open_days as staff_on_shift,
    case
        when shift_days_on > 0 then cast(weighted_child_days_present as double) / shift_days_on
    end as children_per_adult,
    case
        when shift_days_on = 0 then weighted_child_days_present > 0
        -- on the sum rounded to boernedata:compare_decimals: its last digits carry the doubles' noise
        -- (1/1.03 is 0.97087378640776704 as a double), so a slot exactly at the norm would compare as
        -- above it, or not, by engine (dbt unit test test_institution_day_slots_at_the_norm)
        else
            {{ round_double('weighted_child_days_present', var('boernedata:compare_decimals')) }}
            > {{ var('boernedata:day_profile_norm_children_per_adult') }} * shift_days_on
    end as below_norm
from swept
