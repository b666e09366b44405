-- The data window: one row, the span the monthly deliveries cover, from the first day of the earliest
-- landed month to the last day of the latest (over every monthly extract). It is what "the data run
-- from August 2024 to June 2026" means: yearly, school-year and snapshot files are trusted only inside
-- it (int_extract_coverage_spans), and a period that reaches past it is not over, or not yet delivered.
with

delivered as (

    select * from {{ ref('stg_landing__delivered_periods') }}

),

kinds as (

    select * from {{ ref('source_extract_coverage') }}

),

months as (

    select cast(delivered.period_token || '-01' as date) as month_start
    from delivered
    inner join kinds
        on delivered.source_extract = kinds.source_extract
    where kinds.coverage = 'month'

)

select
    min(month_start) as window_start,
    cast(max(month_start) + interval '1 month' - interval '1 day' as date) as window_end
from months
