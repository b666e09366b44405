-- dt_observation_score and sk_observation_score per institution and half-year: the mean score of all
-- learning-environment observation rows of the institution dated in the half-year (numerator = the sum
-- of the scores, denominator = their count). The sector of the register version valid on the period's
-- last day picks the code; leisure institutions have no observation indicator. n is NULL: the value is
-- about the institution, not persons, and is never suppressed.
with

observations as (

    select * from {{ ref('stg_kvalitativ__observations') }}

),

institution_periods as (

    select * from {{ ref('int_institution_periods') }}
    where period_type = 'half_year'

),

per_institution as (

    select
        institution_id,
        {{ half_year_of('observation_date') }} as period_id,
        sum(score) as score_sum,
        count(*) as observations
    from observations
    where score is not null
    group by institution_id, {{ half_year_of('observation_date') }}

)

select
    per_institution.institution_id,
    case institution_periods.sector
        when 'dagtilbud' then 'dt_observation_score'
        when 'skole' then 'sk_observation_score'
    end as indicator_code,
    institution_periods.period_type,
    per_institution.period_id,
    per_institution.score_sum as numerator,
    per_institution.observations as denominator,
    cast(null as bigint) as n
from per_institution
inner join institution_periods
    on
        per_institution.institution_id = institution_periods.institution_id
        and per_institution.period_id = institution_periods.period_id
where institution_periods.sector in ('dagtilbud', 'skole')
