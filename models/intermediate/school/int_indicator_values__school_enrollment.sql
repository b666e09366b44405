-- sk_pupils, sk_class_size and sk_inclusion_pct per school and school year, all taken on the first school
-- day of the year (the official count day of the school calendar).
with

enrollments as (

    select * from {{ ref('int_school_enrollments') }}

),

school_days as (

    select * from {{ ref('stg_skoleadm__school_days') }}

),

first_days as (

    select
        school_year as period_id,
        min(school_date) as first_school_day
    from school_days
    group by school_year

),

pupils_on_first_day as (

    select distinct
        first_days.period_id,
        enrollments.school_id,
        enrollments.child_key,
        enrollments.class_id,
        enrollments.class_type
    from first_days
    inner join enrollments
        on
            first_days.first_school_day >= enrollments.start_date
            and (enrollments.end_date is null or first_days.first_school_day <= enrollments.end_date)

),

per_school as (

    select
        school_id,
        period_id,
        count(distinct child_key) as pupils,
        count(distinct case when class_type = 'normal' then child_key end) as normal_class_pupils,
        count(distinct case when class_type = 'normal' then class_id end) as normal_classes
    from pupils_on_first_day
    group by school_id, period_id

)

select
    school_id as institution_id,
    'sk_pupils' as indicator_code,
    'school_year' as period_type,
    period_id,
    pupils as numerator,
    cast(null as double) as denominator,
    pupils as n
from per_school
union all
select
    school_id as institution_id,
    'sk_class_size' as indicator_code,
    'school_year' as period_type,
    period_id,
    normal_class_pupils as numerator,
    normal_classes as denominator,
    normal_class_pupils as n
from per_school
union all
select
    school_id as institution_id,
    'sk_inclusion_pct' as indicator_code,
    'school_year' as period_type,
    period_id,
    normal_class_pupils as numerator,
    pupils as denominator,
    pupils as n
from per_school
