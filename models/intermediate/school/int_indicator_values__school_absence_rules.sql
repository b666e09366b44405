-- The two pupil-level absence rules per school and school year:
-- sk_concerning_absence_pct: among pupils with >= 20 school days enrolled at the school in the year, the
--   share whose absence is strictly above 10 % ("bekymrende fravær"; 10.0 % is not concerning);
-- sk_unauthorized_15_pupils: pupils with unauthorized absence >= 15 % of their school days enrolled in at
--   least one calendar quarter of the year, skipping quarters with fewer than 10 such days (the rule
--   that obliges the school to notify the municipality).
-- Percent comparisons are done in integers (100 x days vs threshold x school days) so a pupil exactly
-- on a boundary is classified exactly, without floating-point noise.
with

pupil_years as (

    select * from {{ ref('int_pupil_school_period_absence') }}
    where period_type = 'school_year'

),

pupil_quarters as (

    select * from {{ ref('int_pupil_school_quarter_absence') }}

),

concerning as (

    select
        school_id,
        period_id,
        sum(
            case
                when 100 * absent_days > {{ var('boernedata:concerning_absence_pct') }} * school_days then 1
                else 0
            end
        ) as concerning_pupils,
        count(*) as pupils
    from pupil_years
    where school_days >= {{ var('boernedata:concerning_absence_min_school_days') }}
    group by school_id, period_id

),

flagged_quarters as (

    select
        school_id,
        school_year,
        child_key,
        max(
            case
                when
                    100 * unauthorized_days >= {{ var('boernedata:unauthorized_notify_pct') }} * school_days
                    then 1
                else 0
            end
        ) as is_flagged
    from pupil_quarters
    where school_days >= {{ var('boernedata:unauthorized_quarter_min_school_days') }}
    group by school_id, school_year, child_key

),

unauthorized_15 as (

    select
        school_id,
        school_year as period_id,
        sum(is_flagged) as flagged_pupils
    from flagged_quarters
    group by school_id, school_year

)

select
    school_id as institution_id,
    'sk_concerning_absence_pct' as indicator_code,
    'school_year' as period_type,
    period_id,
    concerning_pupils as numerator,
    pupils as denominator,
    pupils as n
from concerning
union all
select
    school_id as institution_id,
    'sk_unauthorized_15_pupils' as indicator_code,
    'school_year' as period_type,
    period_id,
    flagged_pupils as numerator,
    cast(null as integer) as denominator,
    -- a count: the persons behind the value are the flagged pupils themselves (small-cell rule)
    flagged_pupils as n
from unauthorized_15
