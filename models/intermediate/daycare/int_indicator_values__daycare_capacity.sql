-- dt_capacity_utilization_pct, fr_capacity_utilization_pct and dt_m2_per_child per institution and
-- half-year, from the mean number of children enrolled over the institution's open days
-- (int_daycare_leisure_period_children) and the normed places and play area of the register version
-- valid on the period's last day, whose sector also picks the code. n = distinct children enrolled at
-- least one open day in the half-year.
with

period_children as (

    select * from {{ ref('int_daycare_leisure_period_children') }}
    where period_type = 'half_year'

),

institution_periods as (

    select * from {{ ref('int_institution_periods') }}
    where period_type = 'half_year'

),

institution_children as (

    select
        period_children.institution_id,
        period_children.period_type,
        period_children.period_id,
        period_children.mean_children,
        period_children.distinct_children,
        institution_periods.sector,
        institution_periods.normed_places,
        institution_periods.play_area_m2
    from period_children
    inner join institution_periods
        on
            period_children.institution_id = institution_periods.institution_id
            and period_children.period_id = institution_periods.period_id
    where institution_periods.sector in ('dagtilbud', 'fritid')

)

select
    institution_id,
    case when sector = 'dagtilbud' then 'dt' else 'fr' end || '_capacity_utilization_pct' as indicator_code,
    period_type,
    period_id,
    mean_children as numerator,
    normed_places as denominator,
    distinct_children as n
from institution_children

union all

select
    institution_id,
    'dt_m2_per_child' as indicator_code,
    period_type,
    period_id,
    play_area_m2 as numerator,
    mean_children as denominator,
    distinct_children as n
from institution_children
where sector = 'dagtilbud'
