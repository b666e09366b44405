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
with

child_days as (

    select
        child_person_key,
        institution_id,
        attendance_date,
        {{ half_year_of('attendance_date') }} as period_id,
        {{ iso_day_of_week('attendance_date') }} as weekday,
        {{ day_profile_offset_seconds('first_check_in', 'attendance_date') }} as from_offset,
        {{ day_profile_offset_seconds(
            'coalesce(last_check_out, '
            ~ day_profile_time_on('attendance_date', var('boernedata:day_profile_closing_time')) ~ ')',
            'attendance_date',
        ) }} as until_offset
    from {{ ref('int_child_attendance_days') }}
    where is_attended

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
        child_days.period_id,
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

)

select
    child_day_spans.institution_id,
    child_day_spans.period_id,
    child_day_spans.weekday,
    child_day_spans.slot_from,
    child_day_spans.slot_until,
    child_day_spans.child_weight,
    count(*) as child_days
from child_day_spans
-- whole half-years only, and a day that covers no slot of the grid (gone before 06:00, come after
-- the day's end, or checked in after closing time without a check-out) adds nothing
inner join open_day_periods
    on
        child_day_spans.institution_id = open_day_periods.institution_id
        and child_day_spans.period_id = open_day_periods.period_id
        and child_day_spans.weekday = open_day_periods.weekday
where child_day_spans.slot_from < child_day_spans.slot_until
group by
    child_day_spans.institution_id,
    child_day_spans.period_id,
    child_day_spans.weekday,
    child_day_spans.slot_from,
    child_day_spans.slot_until,
    child_day_spans.child_weight
