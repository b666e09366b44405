-- The district and municipality benchmarks as they are published: the pooled values of
-- int_indicator_benchmarks with disclosure control applied. A withheld benchmark (fewer than 5 persons,
-- or complementary) keeps its row with value, numerator, denominator and n NULL and its reason.
-- municipality_indicators publishes it; institution_indicators repeats its values as district_value and
-- municipality_value, so a withheld benchmark is NULL there too.
with

benchmarks as (

    select * from {{ ref('int_indicator_benchmarks') }}

),

withheld_cells as (

    select * from {{ ref('int_disclosure_withheld_cells') }}
    where scope_level != 'institution'

),

flagged as (

    select
        benchmarks.*,
        coalesce(withheld_cells.is_withheld, false) as is_suppressed,
        withheld_cells.suppression_reason
    from benchmarks
    left join withheld_cells
        on
            benchmarks.scope = withheld_cells.scope_id
            and benchmarks.indicator_code = withheld_cells.indicator_code
            and benchmarks.benchmark_group = withheld_cells.benchmark_group
            and benchmarks.period_id = withheld_cells.period_id

)

select
    scope,
    benchmark_group,
    sector,
    indicator_code,
    quality_dimension,
    period_type,
    period_id,
    period_start,
    period_end,
    case when not is_suppressed then value end as value,
    case when not is_suppressed then numerator end as numerator,
    case when not is_suppressed then denominator end as denominator,
    case when not is_suppressed then n end as n,
    n_institutions,
    is_suppressed,
    suppression_reason
from flagged
