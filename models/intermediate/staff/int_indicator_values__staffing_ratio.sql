-- dt_children_per_adult and fr_children_per_adult per institution and half-year: the children side
-- (int_daycare_leisure_period_children) per open day over the period pedagogical staff FTE = the mean
-- of the monthly pedagogical FTE (leaders weighted, leave and state-pool rows out) over the months of
-- the half-year with staff rows. Daycare counts place factor x age weight (young children double),
-- leisure place factor only. Sector = the register version valid on the period's last day. n =
-- distinct children enrolled at least one open day; institution-periods without staff rows get no row.
with

children as (

    select * from {{ ref('int_daycare_leisure_period_children') }}
    where period_type = 'half_year' and open_days > 0

),

institution_months as (

    select * from {{ ref('int_staff_fte_institution_months') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_type = 'half_year'

),

institution_periods as (

    select * from {{ ref('int_institution_periods') }}

),

period_fte as (

    select
        months.institution_id,
        periods.period_id,
        {{ exact_avg('months.pedagogical_fte') }} as pedagogical_fte
    from institution_months as months
    inner join periods
        on months.month_start between periods.period_start and periods.period_end
    group by months.institution_id, periods.period_id

)

select
    children.institution_id,
    case institution_periods.sector
        when 'dagtilbud' then 'dt_children_per_adult'
        when 'fritid' then 'fr_children_per_adult'
    end as indicator_code,
    children.period_type,
    children.period_id,
    case institution_periods.sector
        when 'dagtilbud' then cast(children.weighted_child_days as double) / children.open_days
        when 'fritid' then cast(children.place_child_days as double) / children.open_days
    end as numerator,
    period_fte.pedagogical_fte as denominator,
    children.distinct_children as n
from children
inner join institution_periods
    on
        children.institution_id = institution_periods.institution_id
        and children.period_id = institution_periods.period_id
inner join period_fte
    on
        children.institution_id = period_fte.institution_id
        and children.period_id = period_fte.period_id
where institution_periods.sector in ('dagtilbud', 'fritid')
