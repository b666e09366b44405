-- sk_overweight_pct per school and school year: measured pupils with BMI at or above the IOTF overweight
-- cut-off (obese pupils included) over measured pupils. A pupil measured more than once at the school in
-- the year counts once, by the latest measurement.
with

measurements as (

    select * from {{ ref('int_pupil_bmi_measurements') }}

),

latest_per_pupil as (

    select
        child_key,
        school_id,
        school_year,
        is_overweight,
        row_number() over (
            partition by child_key, school_id, school_year order by measurement_date desc
        ) as measurement_rank
    from measurements

)

select
    school_id as institution_id,
    'sk_overweight_pct' as indicator_code,
    'school_year' as period_type,
    school_year as period_id,
    sum(case when is_overweight then 1 else 0 end) as numerator,
    count(*) as denominator,
    count(*) as n
from latest_per_pupil
where measurement_rank = 1
group by school_id, school_year
