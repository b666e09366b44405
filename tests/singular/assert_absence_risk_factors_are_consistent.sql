-- What: marts.absence_risk_factors holds each of the six factors once; a published row has a positive
--   rate ratio inside its confidence interval and at least 5 exposed pupils; a withheld row has every
--   figure NULL and its reason.
-- Why: a rate ratio outside its own interval means the fit or its transformation is wrong; a figure on a
--   withheld row would publish what the n < 5 rule hides (docs/publication_rules.md).
-- Resolve: check int_absence_risk_factor_estimates (the fit) and the suppression in absence_risk_factors.
{{ config(enabled=target.type == 'duckdb') }}
with

factors as (

    select * from {{ ref('absence_risk_factors') }}

),

expected as (

    select 'parents_apart' as factor
    union all
    select 'parent_unknown'
    union all
    select 'no_parent_in_work'
    union all
    select 'school_size'
    union all
    select 'class_size'
    union all
    select 'school_change'

)

select
    coalesce(factors.factor, expected.factor) as factor,
    'missing or unexpected factor' as problem
from factors
full outer join expected
    on factors.factor = expected.factor
where factors.factor is null or expected.factor is null
union all
select
    factor,
    'published figure out of range' as problem
from factors
where
    not is_suppressed
    and (
        not (rate_ratio > 0)
        or not (ci_low <= rate_ratio and rate_ratio <= ci_high)
        or not (pupils_exposed >= {{ var('boernedata:suppression_min_n') }})
        or pupil_years is null
        or suppression_reason is not null
    )
union all
select
    factor,
    'withheld row shows a figure' as problem
from factors
where
    is_suppressed
    and (
        rate_ratio is not null or ci_low is not null or ci_high is not null or pupils_exposed is not null
        or pupil_years is not null or suppression_reason is null
    )
