-- sk_absence_pct and its three types per school for school years and half-years: absent days over
-- school days enrolled, summed over pupils (= the days-weighted mean of pupil absence %).
with

pupil_days as (

    select * from {{ ref('fct_pupil_school_days') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_type in ('school_year', 'half_year')

),

absence_types as (

    select
        'sk_absence_pct' as indicator_code,
        cast(null as varchar) as absence_type
    union all
    select
        'sk_absence_sick_pct' as indicator_code,
        'S' as absence_type
    union all
    select
        'sk_absence_authorized_pct' as indicator_code,
        'L' as absence_type
    union all
    select
        'sk_absence_unauthorized_pct' as indicator_code,
        'U' as absence_type

)

select
    pupil_days.school_id as institution_id,
    absence_types.indicator_code,
    periods.period_type,
    periods.period_id,
    sum(
        case
            when
                pupil_days.absence_type is not null
                and (
                    absence_types.absence_type is null or pupil_days.absence_type = absence_types.absence_type
                )
                then 1
            else 0
        end
    ) as numerator,
    count(*) as denominator,
    count(distinct pupil_days.child_key) as n
from pupil_days
inner join periods
    on pupil_days.school_date between periods.period_start and periods.period_end
cross join absence_types
group by pupil_days.school_id, absence_types.indicator_code, periods.period_type, periods.period_id
