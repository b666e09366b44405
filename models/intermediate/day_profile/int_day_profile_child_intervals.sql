-- The children's side of the day profile, folded before any slot exists: one row per daycare/leisure
-- institution, whole half-year, weekday, first slot and end slot (macros/day_profile.sql) and child
-- weight, with the number of attended child-days that cover exactly those slots. A child is present from
-- its first check-in to its last real check-out; a day without a real check-out (the check-in was never
-- closed, or only by the system; two check-ins count from the first) counts until
-- `boernedata:day_profile_closing_time`. Only attended expected days count (int_child_attendance_days:
-- open, enrolled, not a registered holiday), so events on other days count nowhere.
-- Weight as in dt_children_per_adult: place factor x age weight of the enrollment piece the day lies in
-- (young children double). The ~50 M child-days at Copenhagen's scale are read once, joined on the
-- integer person key, and grouped to a few thousand slot spans per institution and half-year: the sweep
-- (int_institution_day_slots) turns these into presence per slot, never child-days x slots.
-- Incremental by half-year (macros/incremental.sql): a nightly build recounts the half-years that
-- BOERNEDATA_INCREMENTAL_SINCE reaches, whole, and keeps the earlier ones.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_half_years_since() }}",
) }}
with

child_days as (

    select
        child_person_key,
        institution_id,
        attendance_date,
        {{ half_year_year_of('attendance_date') }} as period_year,
        {{ half_year_half_of('attendance_date') }} as period_half,
        {{ iso_day_of_week('attendance_date') }} as weekday,
        {{ day_profile_offset_seconds('first_check_in', 'attendance_date') }} as from_offset,
        {{ day_profile_offset_seconds(
            'coalesce(last_check_out, '
            ~ day_profile_time_on('attendance_date', var('boernedata:day_profile_closing_time')) ~ ')',
            'attendance_date',
        ) }} as until_offset
    from {{ ref('int_child_attendance_days') }}
    where is_attended and {{ is_in_recomputed_half_year('attendance_date') }}

),

open_day_periods as (

    select * from {{ ref('int_day_profile_open_days') }}

),

person_keys as (

    -- the enrollment pieces are keyed by the pseudonym; the attendance days by the integer person key
    select distinct
        child_key,
        child_person_key
    from {{ ref('int_daycare_leisure_enrollments') }}

),

pieces as (

    select
        person_keys.child_person_key,
        pieces.institution_id,
        pieces.piece_start,
        pieces.piece_end,
        cast(pieces.place_factor as double) * pieces.age_weight as child_weight
    from {{ ref('int_daycare_leisure_enrollment_pieces') }} as pieces
    inner join person_keys
        on pieces.child_key = person_keys.child_key

),

child_day_spans as (

    select
        child_days.institution_id,
        child_days.period_year,
        child_days.period_half,
        child_days.weekday,
        {{ day_profile_slot_from('child_days.from_offset') }} as slot_from,
        {{ day_profile_slot_until('child_days.until_offset') }} as slot_until,
        pieces.child_weight
    from child_days
    inner join pieces
        on
            child_days.child_person_key = pieces.child_person_key
            and child_days.institution_id = pieces.institution_id
            and child_days.attendance_date >= pieces.piece_start
            and (pieces.piece_end is null or child_days.attendance_date <= pieces.piece_end)

),

slot_span_days as (

    -- grouped on the integer half-year before the period id string is made and the whole half-years
    -- are joined: the grouping keys include the join keys, so joining after grouping keeps the same rows
    -- (a day that covers no slot of the grid adds nothing: gone before 06:00, come after the day's end,
    -- or checked in after closing time without a check-out)
    select
        institution_id,
        period_year,
        period_half,
        weekday,
        slot_from,
        slot_until,
        child_weight,
        count(*) as child_days
    from child_day_spans
    where slot_from < slot_until
    group by institution_id, period_year, period_half, weekday, slot_from, slot_until, child_weight

)

select
    slot_span_days.institution_id,
    open_day_periods.period_id,
    slot_span_days.weekday,
    slot_span_days.slot_from,
    slot_span_days.slot_until,
    slot_span_days.child_weight,
    slot_span_days.child_days
from slot_span_days
-- whole half-years only
inner join open_day_periods
    on
        slot_span_days.institution_id = open_day_periods.institution_id
        and {{ half_year_id('slot_span_days.period_year', 'slot_span_days.period_half') }}
        = open_day_periods.period_id
        and slot_span_days.weekday = open_day_periods.weekday
