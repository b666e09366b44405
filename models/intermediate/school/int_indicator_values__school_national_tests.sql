-- sk_test_good_pct_dansk and sk_test_good_pct_matematik per school and school year: results at or above
-- the "good" level (boernedata:test_good_level, 4 on the 1-6 scale) over all results of the subject at
-- the school in the school year of the test date. The unit is the result (a pupil tested twice in a
-- subject counts twice, as the formula says); n is the distinct pupils behind those results.
with

results as (

    select * from {{ ref('stg_nationaletest__results') }}

),

subject_results as (

    select
        school_id,
        child_key,
        result_level,
        {{ school_year_of('test_date') }} as school_year,
        case subject
            when 'dansk_laesning' then 'sk_test_good_pct_dansk'
            when 'matematik' then 'sk_test_good_pct_matematik'
        end as indicator_code
    from results

)

select
    school_id as institution_id,
    indicator_code,
    'school_year' as period_type,
    school_year as period_id,
    sum(case when result_level >= {{ var('boernedata:test_good_level') }} then 1 else 0 end) as numerator,
    count(*) as denominator,
    count(distinct child_key) as n
from subject_results
where indicator_code is not null
group by school_id, indicator_code, school_year
