-- What: for every school and period, sick + authorized + unauthorized absent days equal all absent days,
--   over the same school days (sk_absence_*_pct numerators and denominators).
-- Why: the catalogue (docs/indicators.md) promises the three types add up to sk_absence_pct; a school
--   leader reads them side by side, and a gap means a day counted in one formula and not the other
--   (e.g. an unknown absence type, or a correction applied in one model only).
-- Resolve: find the institution/period returned here, compare the rows of the absence family model for
--   those codes, and check the absence types in stg_skoleadm__absences against the contract (S/L/U).
with

absence as (

    select * from {{ ref('int_indicator_values') }}
    where indicator_code in (
        'sk_absence_pct', 'sk_absence_sick_pct', 'sk_absence_authorized_pct', 'sk_absence_unauthorized_pct'
    )

),

by_period as (

    select
        institution_id,
        period_id,
        sum(case when indicator_code = 'sk_absence_pct' then numerator else 0 end) as absent_days,
        sum(case when indicator_code != 'sk_absence_pct' then numerator else 0 end) as typed_absent_days,
        min(denominator) as min_school_days,
        max(denominator) as max_school_days
    from absence
    group by institution_id, period_id

)

select *
from by_period
where
    abs(absent_days - typed_absent_days) > 1e-9
    or min_school_days != max_school_days
