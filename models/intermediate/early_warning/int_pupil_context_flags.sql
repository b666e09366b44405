-- One row per pupil, school and school year (int_pupil_school_years): the context flags as of the
-- reference date (the last day enrolled at the school in the year).
-- Household (beskaeftigelse/foraeldre): the flags of the latest month delivered within the school year
-- up to the reference date; has_household_record is false and the three flags NULL when there is none
-- (unknown, not "no").
-- Social (social/underretninger, social/ppr, social/foranstaltninger), true/false: a notification
-- received in the 12 months up to the reference date; a PPR referral received by the reference date
-- whose latest status is open (aaben); a measure running on the reference date (started by it, not ended
-- before it; its end date as the latest snapshot holding the measure gives it). A notification or
-- referral for a pseudonym that is no pupil simply matches no pupil row.
with

pupil_years as (

    select * from {{ ref('int_pupil_school_years') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_type = 'school_year'

),

household_months as (

    select * from {{ ref('int_child_household_months') }}

),

notifications as (

    select * from {{ ref('stg_social__notifications') }}

),

ppr_referrals as (

    select * from {{ ref('stg_social__ppr_referrals') }}

),

measures as (

    select * from {{ ref('stg_social__measures') }}

),

latest_household as (

    select
        pupil_years.child_key,
        pupil_years.school_id,
        pupil_years.school_year,
        household_months.parents_apart,
        household_months.parent_unknown,
        household_months.no_parent_in_work,
        row_number() over (
            partition by pupil_years.child_key, pupil_years.school_id, pupil_years.school_year
            order by household_months.month_start desc
        ) as month_rank
    from pupil_years
    inner join periods
        on pupil_years.school_year = periods.period_id
    inner join household_months
        on
            pupil_years.child_key = household_months.child_key
            and household_months.month_start between periods.period_start and pupil_years.reference_date

),

notified as (

    select distinct
        pupil_years.child_key,
        pupil_years.school_id,
        pupil_years.school_year
    from pupil_years
    inner join notifications
        on
            pupil_years.child_key = notifications.child_key
            and pupil_years.reference_date >= notifications.received_date
            and notifications.received_date
            > {{ dbt.dateadd(
                'month', -var('boernedata:early_warning_lookback_months'), 'pupil_years.reference_date'
            ) }}

),

-- The ppr extract is delivered per referral year; a referral delivered twice counts once (any row).
open_ppr as (

    select distinct
        pupil_years.child_key,
        pupil_years.school_id,
        pupil_years.school_year
    from pupil_years
    inner join ppr_referrals
        on
            pupil_years.child_key = ppr_referrals.child_key
            and pupil_years.reference_date >= ppr_referrals.referral_date
            and ppr_referrals.referral_status = 'aaben'

),

-- The foranstaltninger extract is a snapshot: a measure's end date is the one of the latest snapshot that
-- still lists it.
latest_measures as (

    select
        child_key,
        start_date,
        end_date,
        row_number() over (
            partition by child_key, measure_type, start_date order by snapshot_date desc
        ) as snapshot_rank
    from measures

),

measured as (

    select distinct
        pupil_years.child_key,
        pupil_years.school_id,
        pupil_years.school_year
    from pupil_years
    inner join latest_measures
        on
            pupil_years.child_key = latest_measures.child_key
            and latest_measures.snapshot_rank = 1
            and pupil_years.reference_date >= latest_measures.start_date
            and (latest_measures.end_date is null or pupil_years.reference_date <= latest_measures.end_date)

)

select
    pupil_years.child_key,
    pupil_years.school_id,
    pupil_years.school_year,
    latest_household.child_key is not null as has_household_record,
    latest_household.parents_apart,
    latest_household.parent_unknown,
    latest_household.no_parent_in_work,
    notified.child_key is not null as has_notification_12m,
    open_ppr.child_key is not null as has_open_ppr,
    measured.child_key is not null as has_measure
from pupil_years
left join latest_household
    on
        pupil_years.child_key = latest_household.child_key
        and pupil_years.school_id = latest_household.school_id
        and pupil_years.school_year = latest_household.school_year
        and latest_household.month_rank = 1
left join notified
    on
        pupil_years.child_key = notified.child_key
        and pupil_years.school_id = notified.school_id
        and pupil_years.school_year = notified.school_year
left join open_ppr
    on
        pupil_years.child_key = open_ppr.child_key
        and pupil_years.school_id = open_ppr.school_id
        and pupil_years.school_year = open_ppr.school_year
left join measured
    on
        pupil_years.child_key = measured.child_key
        and pupil_years.school_id = measured.school_id
        and pupil_years.school_year = measured.school_year
