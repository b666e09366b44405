-- Qualitative learning-environment observations per institution and half-year. Notes were redacted of
-- CPR numbers, e-mail addresses and phone numbers when they landed.
select
    institution_id,
    {{ half_year_of('observation_date') }} as period_id,
    observation_date,
    theme,
    score,
    note
from {{ ref('stg_kvalitativ__observations') }}
