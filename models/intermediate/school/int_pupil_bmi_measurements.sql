-- One row per school health measurement with the pupil's BMI category by the IOTF cut-offs (seed
-- iotf_bmi_cutoffs) for sex and age in half-year bands, age rounded down (6 years 5 months -> 6.0).
-- Pupils of 18 and over take the age-18 (adult 25/30) cut-offs. The cut-off test is done exactly:
-- BMI >= cut-off  <=>  weight_kg x 10 000 >= cut-off x height_cm^2, in decimals, so a BMI exactly on
-- the cut-off counts as overweight without floating-point noise.
with

measurements as (

    select * from {{ ref('stg_sundhed__measurements') }}
    where height_cm > 0 and weight_kg > 0

),

cutoffs as (

    select * from {{ ref('iotf_bmi_cutoffs') }}

),

banded as (

    -- the half-year age band: completed months of age rounded down to half years, capped at 18
    select
        child_key,
        school_id,
        sex,
        measurement_date,
        height_cm,
        weight_kg,
        least(
            cast(
                floor({{ age_in_completed_months('birth_date', 'measurement_date') }} / 6) / 2.0 as double
            ),
            18.0
        ) as age_years
    from measurements

)

select
    banded.child_key,
    banded.school_id,
    {{ school_year_of('banded.measurement_date') }} as school_year,
    banded.measurement_date,
    banded.sex,
    banded.age_years,
    banded.weight_kg / ((banded.height_cm / 100.0) * (banded.height_cm / 100.0)) as bmi,
    cutoffs.overweight_bmi,
    cutoffs.obese_bmi,
    cast(banded.weight_kg as decimal(12, 4)) * 10000
    >= cast(cutoffs.overweight_bmi as decimal(6, 2))
    * cast(banded.height_cm as decimal(12, 4))
    * cast(banded.height_cm as decimal(12, 4)) as is_overweight,
    cast(banded.weight_kg as decimal(12, 4)) * 10000
    >= cast(cutoffs.obese_bmi as decimal(6, 2))
    * cast(banded.height_cm as decimal(12, 4))
    * cast(banded.height_cm as decimal(12, 4)) as is_obese
from banded
-- ages below the table (under 2) have no cut-off: such a row is not a measured school child
inner join cutoffs
    on
        banded.sex = cutoffs.sex
        and banded.age_years = cutoffs.age_years
