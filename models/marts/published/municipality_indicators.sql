-- The same measures as institution_indicators for the whole municipality (scope 'kommune') and for each
-- district (scope = the district name), per benchmark group: pooled over the group's institutions in the
-- scope where at least 3 of them contribute, with disclosure control applied
-- (int_indicator_benchmarks_disclosed).
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
    value,
    numerator,
    denominator,
    cast(n as bigint) as n,
    cast(n_institutions as bigint) as n_institutions,
    is_suppressed,
    suppression_reason
from {{ ref('int_indicator_benchmarks_disclosed') }}
