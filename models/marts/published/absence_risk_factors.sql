-- Published: the absence risk factors (issue 22, capability 3), one row per factor: the adjusted rate
-- ratio of pupil absence with its 95 % CI (int_absence_risk_factor_estimates fits the model). A factor
-- with fewer than 5 exposed or fewer than 5 unexposed pupils is withheld (figures NULL, reason n_lt_5): a
-- rate ratio or count for under 5 pupils could point to a child, and the unexposed count is the total
-- pupil count minus the exposed one. A factor the fit could not estimate (e.g. one school only) is
-- withheld as not_estimable.
with

estimates as (

    select * from {{ ref('int_absence_risk_factor_estimates') }}

),

flagged as (

    select
        *,
        case
            when least(pupils_exposed, pupils_unexposed) < {{ var('boernedata:suppression_min_n') }}
                then 'n_lt_5'
            when rate_ratio is null or ci_low is null or ci_high is null then 'not_estimable'
        end as suppression_reason
    from estimates

),

withheld as (

    select
        *,
        suppression_reason is not null as is_suppressed
    from flagged

)

select
    cast(factor as string) as factor,
    cast(unit as string) as unit,  -- noqa: RF04
    cast(case when not is_suppressed then rate_ratio end as double) as rate_ratio,
    cast(case when not is_suppressed then ci_low end as double) as ci_low,
    cast(case when not is_suppressed then ci_high end as double) as ci_high,
    cast(case when not is_suppressed then pupils_exposed end as bigint) as pupils_exposed,
    cast(case when not is_suppressed then pupil_years end as bigint) as pupil_years,
    cast(method as string) as method,  -- noqa: RF04
    is_suppressed,
    cast(suppression_reason as string) as suppression_reason
from withheld
