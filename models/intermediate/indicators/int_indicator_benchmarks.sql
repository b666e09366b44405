-- Pooled benchmarks per district and for the whole municipality (scope 'kommune'): the indicator's
-- formula applied to all rows of all institutions of the sector in the scope taken together
-- (sum of numerators / sum of denominators, counts summed) - never an average of institution values.
-- Suppressed institution rows are included, as in the ministry's statistics. A benchmark with fewer
-- than the minimum number of contributing institutions is withheld (NULL), so a district with one or two
-- institutions cannot reveal a suppressed value.
with

institution_values as (

    select * from {{ ref('int_institution_indicator_values') }}
    where has_value

),

scoped as (

    select
        district as scope,
        *
    from institution_values
    union all
    select
        'kommune' as scope,
        *
    from institution_values

),

pooled as (

    select
        scope,
        sector,
        indicator_code,
        quality_dimension,
        value_kind,
        period_type,
        period_id,
        min(period_start) as period_start,
        max(period_end) as period_end,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(n) as n,
        count(distinct institution_id) as n_institutions
    from scoped
    group by scope, sector, indicator_code, quality_dimension, value_kind, period_type, period_id

),

disclosed as (

    select
        *,
        n_institutions >= {{ var('boernedata:benchmark_min_institutions') }} as is_disclosed
    from pooled

)

select
    scope,
    sector,
    indicator_code,
    quality_dimension,
    period_type,
    period_id,
    period_start,
    period_end,
    case when is_disclosed then {{ indicator_value('value_kind', 'numerator', 'denominator') }} end as value,
    case when is_disclosed then numerator end as numerator,
    case when is_disclosed then denominator end as denominator,
    case when is_disclosed then n end as n,
    n_institutions,
    not is_disclosed as is_withheld
from disclosed
