-- dt_net_cost_per_child and dt_budget_deviation_pct per daycare institution and calendar year, from the
-- net actual cost and corrected budget of the institution's cost centre (int_finance_institution_years:
-- internal postings excluded; sector of the register version valid at year end).
-- dt_net_cost_per_child = net actual / mean children enrolled over the year's open days, with the same
-- formula as sk_net_cost_per_pupil (macros/net_cost_per_enrolled.sql); n = distinct children enrolled at
-- least one open day. dt_budget_deviation_pct = 100 x (net actual - corrected budget) / corrected budget:
-- positive = overspent. It is about the institution, not persons: n is NULL (never suppressed).
with

finance as (

    select * from {{ ref('int_finance_institution_years') }}
    where sector = 'dagtilbud'

),

period_children as (

    select * from {{ ref('int_daycare_leisure_period_children') }}
    where period_type = 'calendar_year'

),

enrolled_children as (

    select
        institution_id,
        period_id,
        enrolled_child_days as person_days,
        open_days as counted_days,
        distinct_children as persons
    from period_children

),

net_cost as (

    {{ net_cost_per_enrolled('dt_net_cost_per_child', 'finance', 'enrolled_children') }}

),

budget_deviation as (

    select
        institution_id,
        'dt_budget_deviation_pct' as indicator_code,
        'calendar_year' as period_type,
        period_id,
        net_actual_dkk - corrected_budget_dkk as numerator,
        corrected_budget_dkk as denominator,
        cast(null as bigint) as n
    from finance
    where corrected_budget_dkk is not null

)

select
    institution_id,
    indicator_code,
    period_type,
    period_id,
    numerator,
    denominator,
    n
from net_cost

union all

select
    institution_id,
    indicator_code,
    period_type,
    period_id,
    numerator,
    denominator,
    n
from budget_deviation
