-- One row per pupil, school and school year with a quarter there: how many calendar quarters met the
-- 15 % rule (unauthorized absence >= 15 % of the school days enrolled in the quarter, quarters with
-- fewer than 10 such days skipped), the same rule as sk_unauthorized_15_pupils. Integer comparison, so a
-- pupil exactly on 15 % counts.
with

pupil_quarters as (

    select * from {{ ref('int_pupil_school_quarter_absence') }}

)

select
    child_key,
    school_id,
    school_year,
    count(
        case
            when
                school_days >= {{ var('boernedata:unauthorized_quarter_min_school_days') }}
                and 100 * unauthorized_days >= {{ var('boernedata:unauthorized_notify_pct') }} * school_days
                then 1
        end
    ) as unauthorized_15_quarters
from pupil_quarters
group by child_key, school_id, school_year
