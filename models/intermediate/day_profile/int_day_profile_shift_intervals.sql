-- The staff side of the day profile: one row per daycare/leisure institution, whole half-year, weekday
-- and shift span (start and end in seconds after the first slot's start on that day), with the number
-- of rota shifts (hr/vagtplan) on open days that span exactly that. Kept in seconds, not slots, so that
-- the rota what-if (boernedata rota-whatif) can move shifts by any number of minutes and cut them to
-- slots itself with the same rule (macros/day_profile.sql).
-- A shift whose end time is before its start time runs across midnight: its part after midnight counts
-- on the next day (a night shift ending 07:00 covers that morning's first slots). A shift with the same
-- start and end time covers nothing. A rota row delivered twice counts once. Shifts on a day the
-- institution is closed count nowhere (the profile averages over open days).
-- Incremental by half-year (macros/incremental.sql), like the children's side: a nightly build recounts
-- the half-years that BOERNEDATA_INCREMENTAL_SINCE reaches, whole, and keeps the earlier ones.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_half_years_since() }}",
) }}
with

shifts as (

    select distinct
        employee_id,
        institution_id,
        shift_date,
        start_time,
        end_time
    from {{ ref('stg_hr__shifts') }}
    -- from the day before the first recomputed half-year: a night shift then ends in it
    where {{ is_in_recomputed_half_year("cast(shift_date + interval '1 day' as date)") }}

),

shift_spans as (

    select
        institution_id,
        shift_date,
        {{ date_at_time('shift_date', 'start_time') }} as shift_start,
        {{ date_at_time('shift_date', 'end_time') }}
        + case when end_time < start_time then interval '1 day' else interval '0 day' end as shift_end
    from shifts

),

day_pieces as (

    -- the part of each shift on its own date ...
    select
        institution_id,
        shift_date as piece_date,
        shift_start as piece_start,
        least(shift_end, cast(shift_date + interval '1 day' as timestamp)) as piece_end
    from shift_spans
    union all
    -- ... and the part after midnight of a night shift, on the next date
    select
        institution_id,
        cast(shift_date + interval '1 day' as date) as piece_date,
        cast(shift_date + interval '1 day' as timestamp) as piece_start,
        shift_end as piece_end
    from shift_spans
    where shift_end > cast(shift_date + interval '1 day' as timestamp)

),

open_days as (

    select * from {{ ref('int_daycare_open_days') }}

),

open_day_periods as (

    select * from {{ ref('int_day_profile_open_days') }}

),

located as (

    select
        day_pieces.institution_id,
        {{ half_year_year_of('day_pieces.piece_date') }} as period_year,
        {{ half_year_half_of('day_pieces.piece_date') }} as period_half,
        {{ iso_day_of_week('day_pieces.piece_date') }} as weekday,
        cast({{ day_profile_offset_seconds('day_pieces.piece_start', 'day_pieces.piece_date') }} as bigint)
            as start_offset_seconds,
        cast({{ day_profile_offset_seconds('day_pieces.piece_end', 'day_pieces.piece_date') }} as bigint)
            as end_offset_seconds
    from day_pieces
    inner join open_days
        on
            day_pieces.institution_id = open_days.institution_id
            and day_pieces.piece_date = open_days.open_date
    where day_pieces.piece_end > day_pieces.piece_start

),

span_days as (

    -- grouped on the integer half-year before the period id is made and the whole half-years are
    -- joined (macros/periods.sql): the grouping keys include the join keys, so the rows are the same
    select
        institution_id,
        period_year,
        period_half,
        weekday,
        start_offset_seconds,
        end_offset_seconds,
        count(*) as shift_days
    from located
    group by institution_id, period_year, period_half, weekday, start_offset_seconds, end_offset_seconds

)

select
    span_days.institution_id,
    open_day_periods.period_id,
    span_days.weekday,
    span_days.start_offset_seconds,
    span_days.end_offset_seconds,
    span_days.shift_days
from span_days
inner join open_day_periods
    on
        span_days.institution_id = open_day_periods.institution_id
        and {{ half_year_id('span_days.period_year', 'span_days.period_half') }} = open_day_periods.period_id
        and span_days.weekday = open_day_periods.weekday
-- that night shift's evening lies in a half-year this run keeps
where {{ is_recomputed_half_year('open_day_periods.period_id') }}
