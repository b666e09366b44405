-- sk_net_cost_per_pupil per school and calendar year: the net actual cost (Kvantum, internal postings
-- excluded, int_finance_institution_years) over the mean number of pupils enrolled over the year's
-- school days = (sum over pupils of school days enrolled at the school in the year) / school days in
-- the year. n = distinct pupils enrolled at least one school day in the year.
with

finance as (

    select * from {{ ref('int_finance_institution_years') }}
    where sector = 'skole'

),

pupil_years as (

    select * from {{ ref('int_pupil_school_period_absence') }}
    where period_type = 'calendar_year'

),

calendar_days as (

    select * from {{ ref('int_school_calendar_days') }}

),

school_days_per_year as (

    select
        cast(extract(year from calendar_date) as string) as period_id,
        sum(case when is_school_day then 1 else 0 end) as school_days
    from calendar_days
    group by extract(year from calendar_date)

),

pupils_per_school as (

    select
        pupil_years.school_id as institution_id,
        pupil_years.period_id,
        sum(pupil_years.school_days) as person_days,
        school_days_per_year.school_days as counted_days,
        count(distinct pupil_years.child_key) as persons
    from pupil_years
    inner join school_days_per_year
        on pupil_years.period_id = school_days_per_year.period_id
    group by pupil_years.school_id, pupil_years.period_id, school_days_per_year.school_days

)

-- the formula is shared with dt_net_cost_per_child (macros/net_cost_per_enrolled.sql)
{{ net_cost_per_enrolled('sk_net_cost_per_pupil', 'finance', 'pupils_per_school') }}
