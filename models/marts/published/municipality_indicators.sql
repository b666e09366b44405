-- The same measures as institution_indicators for the whole municipality (scope 'kommune') and for each
-- district (scope = the district name), pooled over the sector's institutions. Withheld benchmarks (too
-- few contributing institutions) are NULL with their numerator, denominator and n.
select
    scope,
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
    cast(n_institutions as bigint) as n_institutions
from {{ ref('int_indicator_benchmarks') }}
