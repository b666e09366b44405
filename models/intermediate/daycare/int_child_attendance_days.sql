-- One row per child, daycare/leisure institution and expected day: an open day of the institution
-- inside the child's enrollment there that the parents have not registered as `ferie` (holiday) for
-- that institution, with whether the child came (at least one check-in), the first check-in, the last
-- real check-out and the hours between them. The grain of dt_attendance_pct, dt_hours_per_day,
-- dt_missing_checkout_pct and fr_attendance_pct. Events on any other day (weekend, public holiday,
-- closing day, registered holiday, an institution the child is not enrolled in) count nowhere.
-- Expected days are limited to the months an institution's attendance data covers (its first to its
-- last month with a check-in): an enrollment older than the first delivered month, or an institution
-- that moved to Komme/gå later, would otherwise count days nobody could check in on as absence.
-- The ~50 M day rows at Copenhagen's scale meet equality (hash) joins only, on the integer person key
-- (restricted.fct_child_attendance_days adds the pseudonym); the one range join is on small tables
-- (spells x open days), and registered holidays are expanded to their days (dates_of_range).
-- Incremental (macros/incremental.sql): a nightly build recomputes only the days from
-- BOERNEDATA_INCREMENTAL_SINCE on.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_since('attendance_date') }}",
) }}
with

enrollments as (

    select
        child_person_key,
        institution_id,
        start_date,
        end_date
    from {{ ref('int_daycare_leisure_enrollments') }}

),

open_days as (

    select
        institution_id,
        open_date
    from {{ ref('int_daycare_open_days') }}

),

ferie_ranges as (

    -- cut to the reporting years, the only years with open days; on an incremental run, to the ranges
    -- that reach the recomputed days
    select
        child_person_key,
        institution_id,
        greatest(from_date, cast('{{ var("boernedata:first_year") }}-01-01' as date)) as from_date,
        least(to_date, cast('{{ var("boernedata:last_year") }}-12-31' as date)) as to_date
    from {{ ref('stg_kbhbarn__parent_absences') }}
    where absence_reason = 'ferie' and {{ is_recomputed('to_date') }}

),

ferie_days as (

    -- one row per registered holiday day: the anti-join below is then on equality keys
    select
        child_person_key,
        institution_id,
        {{ dates_of_range('from_date', 'to_date') }} as ferie_date
    from ferie_ranges
    -- a range wholly outside the reporting years is empty once cut
    where from_date <= to_date

),

child_days as (

    select * from {{ ref('int_attendance_event_days') }}
    where {{ is_recomputed('attendance_date') }}

),

attendance_months as (

    -- read from the model, not the child_days import: a CTE used twice is materialized (~39 M rows)
    select
        institution_id,
        cast({{ dbt.date_trunc('month', 'min(attendance_date)') }} as date) as first_date,
        cast({{ dbt.last_day('max(attendance_date)', 'month') }} as date) as last_date
    from {{ ref('int_attendance_event_days') }}
    group by institution_id

),

spells as (

    -- Rows of one child at one institution may overlap (a change of group or place delivered as two
    -- rows sharing days): merged into spells so that each (child, institution, day) occurs once.
    {{ merged_spells('enrollments', ['child_person_key', 'institution_id']) }}

),

covered_spells as (

    -- the part of each spell inside the months the institution's attendance data covers
    select
        spells.child_person_key,
        spells.institution_id,
        greatest(spells.start_date, attendance_months.first_date) as first_date,
        least(
            coalesce(spells.end_date, attendance_months.last_date), attendance_months.last_date
        ) as last_date
    from spells
    inner join attendance_months
        on spells.institution_id = attendance_months.institution_id

),

enrolled_open_days as (

    select
        covered_spells.child_person_key,
        covered_spells.institution_id,
        open_days.open_date as attendance_date
    from covered_spells
    inner join open_days
        on
            covered_spells.institution_id = open_days.institution_id
            and open_days.open_date between covered_spells.first_date and covered_spells.last_date
    where {{ is_recomputed('open_days.open_date') }}

),

expected_days as (

    select
        enrolled_open_days.child_person_key,
        enrolled_open_days.institution_id,
        enrolled_open_days.attendance_date
    from enrolled_open_days
    left join ferie_days
        on
            enrolled_open_days.child_person_key = ferie_days.child_person_key
            and enrolled_open_days.institution_id = ferie_days.institution_id
            and enrolled_open_days.attendance_date = ferie_days.ferie_date
    where ferie_days.child_person_key is null

)

select
    expected_days.child_person_key,
    expected_days.institution_id,
    expected_days.attendance_date,
    child_days.first_check_in is not null as is_attended,
    child_days.first_check_in,
    child_days.last_check_out,
    (child_days.first_check_in is not null and child_days.last_check_out is null) as has_missing_checkout,
    -- a double division: Spark divides a bigint by the literal 3600.0 as a decimal of 6 places
    cast(
        {{ dbt.datediff('child_days.first_check_in', 'child_days.last_check_out', 'second') }} as double  -- noqa: LT05
    ) / 3600 as attended_hours
from expected_days
left join child_days
    on
        expected_days.child_person_key = child_days.child_person_key
        and expected_days.institution_id = child_days.institution_id
        and expected_days.attendance_date = child_days.attendance_date
