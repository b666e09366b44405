-- sk_absence_pct and its three types per school for school years and half-years: absent days over
-- school days enrolled, summed over pupils (= the days-weighted mean of pupil absence %). The three
-- types share the denominator, so they add up to sk_absence_pct.
with

pupil_periods as (

    select * from {{ ref('int_pupil_school_period_absence') }}
    where period_type in ('school_year', 'half_year')

),

per_school as (

    select
        school_id,
        period_type,
        period_id,
        sum(absent_days) as absent_days,
        sum(sick_days) as sick_days,
        sum(authorized_days) as authorized_days,
        sum(unauthorized_days) as unauthorized_days,
        sum(school_days) as school_days,
        count(distinct child_key) as pupils
    from pupil_periods
    group by school_id, period_type, period_id

)

select
    school_id as institution_id,
    'sk_absence_pct' as indicator_code,
    period_type,
    period_id,
    absent_days as numerator,
    school_days as denominator,
    pupils as n
from per_school
union all
select
    school_id as institution_id,
    'sk_absence_sick_pct' as indicator_code,
    period_type,
    period_id,
    sick_days as numerator,
    school_days as denominator,
    pupils as n
from per_school
union all
select
    school_id as institution_id,
    'sk_absence_authorized_pct' as indicator_code,
    period_type,
    period_id,
    authorized_days as numerator,
    school_days as denominator,
    pupils as n
from per_school
union all
select
    school_id as institution_id,
    'sk_absence_unauthorized_pct' as indicator_code,
    period_type,
    period_id,
    unauthorized_days as numerator,
    school_days as denominator,
    pupils as n
from per_school
