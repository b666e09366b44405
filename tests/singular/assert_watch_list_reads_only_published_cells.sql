-- What: every latest value the watch list compares is a published, non-withheld cell of
--   marts.institution_indicators with the same value, and every listed row is consistent (a score above
--   0, at least boernedata:watch_list_min_indicators domains, listed since no later than its half-year).
-- Why: the watch list may only say what the published tables say (issue 22); a withheld cell read here
--   would leak through the reasons text.
-- Resolve: read int_institution_indicators_disclosed with `not is_suppressed` only
--   (int_watch_list_indicator_changes).
select
    changes.institution_id,
    changes.indicator_code,
    changes.recent_period_id,
    'recent value not a published cell' as problem
from {{ ref('int_watch_list_indicator_changes') }} as changes
left join {{ ref('institution_indicators') }} as published
    on
        changes.institution_id = published.institution_id
        and changes.indicator_code = published.indicator_code
        and changes.recent_period_id = published.period_id
where published.value is null or published.is_suppressed or published.value != changes.recent_value

union all

select
    institution_id,
    cast(indicators_worsening as string) as indicator_code,
    period_id as recent_period_id,
    'inconsistent watch list row' as problem
from {{ ref('institution_watch_list') }}
where
    watch_score <= 0
    or indicators_worsening < {{ var('boernedata:watch_list_min_indicators') }}
    or indicators_worsening > 5
    or first_flagged_period > period_id
