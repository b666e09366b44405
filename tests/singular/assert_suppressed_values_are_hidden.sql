-- What: every published institution value with n below the suppression threshold is NULL, with its
--   numerator and denominator, and flagged is_suppressed; no value with n at or above it is hidden.
-- Why: small cells identify children (n < 5 is the ministry's discretion rule); a numerator next to a
--   NULL value would give the suppressed number away.
-- Resolve: check the suppression logic in int_institution_indicator_values and
--   marts/published/institution_indicators, and the n the family model emits for the indicator.
select
    institution_id,
    indicator_code,
    period_id,
    n,
    value,
    is_suppressed
from {{ ref('institution_indicators') }}
where
    (is_suppressed and (value is not null or numerator is not null or denominator is not null))
    or (n is not null and (n < {{ var('boernedata:suppression_min_n') }}) != is_suppressed)
