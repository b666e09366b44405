-- Net actual spending and the corrected budget per institution and calendar year. Internal postings
-- (hovedart 9) are moved between the municipality's own accounts and are excluded, so they do not
-- count as cost. Cost centres map to institutions through the register version valid at year end.
with

postings as (

    select * from {{ ref('stg_kvantum__postings') }}

),

budgets as (

    select * from {{ ref('stg_kvantum__budgets') }}

),

institution_years as (

    select * from {{ ref('int_institution_periods') }}
    where period_type = 'calendar_year'

),

actuals as (

    select
        cost_centre,
        extract(year from posting_date) as calendar_year,
        {{ exact_sum('amount_dkk') }} as net_actual_dkk
    from postings
    where main_account_type != {{ var('boernedata:internal_main_account_type') }}
    group by cost_centre, extract(year from posting_date)

),

corrected_budgets as (

    select
        cost_centre,
        budget_year as calendar_year,
        {{ exact_sum('amount_dkk') }} as corrected_budget_dkk
    from budgets
    where budget_type = 'korrigeret'
    group by cost_centre, budget_year

)

select
    institution_years.institution_id,
    institution_years.sector,
    institution_years.period_id,
    actuals.calendar_year,
    actuals.net_actual_dkk,
    corrected_budgets.corrected_budget_dkk
from actuals
inner join institution_years
    on
        actuals.cost_centre = institution_years.cost_centre
        and cast(actuals.calendar_year as string) = institution_years.period_id
left join corrected_budgets
    on
        actuals.cost_centre = corrected_budgets.cost_centre
        and actuals.calendar_year = corrected_budgets.calendar_year
