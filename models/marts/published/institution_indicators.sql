-- The published indicator table: one row per (institution_id, indicator_code, period_id), whole periods
-- only, with like-for-like benchmarks, the previous period's value and disclosure control applied
-- (int_institution_indicators_disclosed says how).
select
    institution_id,
    sector,
    benchmark_group,
    indicator_code,
    quality_dimension,
    period_type,
    period_id,
    period_start,
    period_end,
    value,
    numerator,
    denominator,
    n,
    is_suppressed,
    suppression_reason,
    district_value,
    municipality_value,
    previous_value
from {{ ref('int_institution_indicators_disclosed') }}
