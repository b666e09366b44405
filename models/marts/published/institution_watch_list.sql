-- The watch list (opmærksomhedslisten): one row per (institution_id, period_id) for each published
-- half-year in which the institution's watched indicators worsened together, relative to its own past
-- and its peers (int_watch_list_institution_scores says how). Built from published, non-withheld
-- figures only; the latest half-year is the current list, the earlier ones its history.
select
    institution_id,
    sector,
    evaluated_period_id as period_id,
    cast(watch_score as double) as watch_score,
    cast(indicators_worsening as integer) as indicators_worsening,
    reasons_da,
    first_flagged_period
from {{ ref('int_watch_list_institution_scores') }}
where is_flagged
