-- dt_portal_reach_pct, fr_portal_reach_pct and sk_portal_reach_pct per institution and half-year: the
-- share of (child, month) pairs, over the children enrolled at the institution at least one calendar day
-- in the month, where at least one guardian had logins >= boernedata:portal_min_logins that month on a
-- usage row for that child and institution. Daycare and leisure children come from KBH Barn, pupils from
-- the school administration; the sector of the register version valid on the period's last day picks the
-- code. Only months Aula has delivered usage for count: a month not yet delivered would otherwise count
-- every enrolled child as unreached (and open enrollments would run on to the last reporting year).
-- Children are keyed by the integer person key, not the 64-character pseudonym: the millions of
-- (child, month) pairs at Copenhagen's scale are deduplicated, joined and counted on it.
-- Incremental by half-year (macros/incremental.sql): a nightly build recounts the half-years that
-- BOERNEDATA_INCREMENTAL_SINCE reaches, whole (a new or re-delivered usage month moves it back to the
-- month's first day: aula/brugsdata is a period extract in boernedata/build/incremental.py), and keeps
-- the earlier ones. The enrollments and the register are snapshots that make a build full.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_half_years_since() }}",
) }}
with

daycare_leisure_enrollments as (

    select * from {{ ref('int_daycare_leisure_enrollments') }}

),

school_enrollments as (

    select * from {{ ref('int_school_enrollments') }}

),

usage as (

    select * from {{ ref('stg_aula__portal_usage') }}

),

institution_periods as (

    select * from {{ ref('int_institution_periods') }}
    where period_type = 'half_year'

),

enrollments as (

    select
        institution_id,
        child_person_key,
        start_date,
        end_date
    from daycare_leisure_enrollments
    union all
    select
        school_id as institution_id,
        child_person_key,
        start_date,
        end_date
    from school_enrollments

),

delivered_months as (

    -- the months of the half-years being counted (all of them on a full build)
    select distinct month_start from usage
    where {{ is_in_recomputed_half_year('month_start') }}

),

-- One row per institution, child and month with at least one enrolled calendar day in the month
-- (several enrollment rows of one child at one institution count once).
child_months as (

    select distinct
        enrollments.institution_id,
        enrollments.child_person_key,
        delivered_months.month_start
    from enrollments
    inner join delivered_months
        on
            enrollments.start_date < {{ dbt.dateadd('month', 1, 'delivered_months.month_start') }}
            and (enrollments.end_date is null or enrollments.end_date >= delivered_months.month_start)

),

-- A child is reached in a month when any guardian logged in on a row for that child and institution.
reached_months as (

    select distinct
        institution_id,
        child_person_key,
        month_start
    from usage
    where
        logins >= {{ var('boernedata:portal_min_logins') }}
        and {{ is_in_recomputed_half_year('month_start') }}

),

per_institution_half_years as (

    -- grouped on the integer year and half; the id string is made on the grouped rows
    select
        child_months.institution_id,
        {{ half_year_year_of('child_months.month_start') }} as period_year,
        {{ half_year_half_of('child_months.month_start') }} as period_half,
        count(reached_months.child_person_key) as reached_child_months,
        count(*) as child_months,
        count(distinct child_months.child_person_key) as children
    from child_months
    left join reached_months
        on
            child_months.institution_id = reached_months.institution_id
            and child_months.child_person_key = reached_months.child_person_key
            and child_months.month_start = reached_months.month_start
    group by
        child_months.institution_id,
        {{ half_year_year_of('child_months.month_start') }},
        {{ half_year_half_of('child_months.month_start') }}

),

per_institution as (

    select
        institution_id,
        {{ half_year_id('period_year', 'period_half') }} as period_id,
        reached_child_months,
        child_months,
        children
    from per_institution_half_years

)

select
    per_institution.institution_id,
    case institution_periods.sector
        when 'dagtilbud' then 'dt_portal_reach_pct'
        when 'fritid' then 'fr_portal_reach_pct'
        when 'skole' then 'sk_portal_reach_pct'
    end as indicator_code,
    institution_periods.period_type,
    per_institution.period_id,
    per_institution.reached_child_months as numerator,
    per_institution.child_months as denominator,
    per_institution.children as n
from per_institution
inner join institution_periods
    on
        per_institution.institution_id = institution_periods.institution_id
        and per_institution.period_id = institution_periods.period_id
where institution_periods.sector in ('dagtilbud', 'fritid', 'skole')
