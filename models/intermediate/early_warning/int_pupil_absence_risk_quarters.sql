-- One row per pupil, school and calendar quarter of a school year (with school days enrolled): the
-- observations of the absence risk-factor model (int_absence_risk_factor_estimates). Outcome: absent
-- days (any type) out of school days enrolled in the quarter. Covariates: grade and class type (normal,
-- special, reception; of the pupil's latest enrollment at the school in the year), season (the calendar
-- quarter), the household flags of the
-- school year (int_pupil_context_flags; NULL without a household record, and such rows are left out of
-- the fit), the school's size (distinct pupils enrolled there in the school year), the class's size
-- (distinct pupils whose latest class in the year it is) and school_change (the pupil left another
-- school in the 12 months up to the quarter's end).
with

quarter_days as (

    select * from {{ ref('int_pupil_school_quarter_absence') }}

),

quarters as (

    select * from {{ ref('int_school_year_quarters') }}

),

absence_days as (

    select * from {{ ref('int_pupil_absence_days') }}

),

pupil_years as (

    select * from {{ ref('int_pupil_school_years') }}

),

context_flags as (

    select * from {{ ref('int_pupil_context_flags') }}

),

spells as (

    select * from {{ ref('int_pupil_school_spells') }}

),

-- The quarter and school year come from the date (no range join over the absence days).
absent_days as (

    select
        child_key,
        school_id,
        {{ school_year_of('absence_date') }} as school_year,
        cast(extract(year from absence_date) as string) || '-Q'
        || cast(extract(quarter from absence_date) as string) as quarter_id,
        count(*) as absent_days
    from absence_days
    group by
        child_key,
        school_id,
        {{ school_year_of('absence_date') }},
        extract(year from absence_date),
        extract(quarter from absence_date)

),

school_sizes as (

    select
        school_id,
        school_year,
        count(distinct child_key) as school_pupils
    from pupil_years
    group by school_id, school_year

),

class_sizes as (

    select
        school_id,
        school_year,
        class_id,
        count(distinct child_key) as class_pupils
    from pupil_years
    where class_id is not null
    group by school_id, school_year, class_id

),

school_changes as (

    select distinct
        quarter_days.child_key,
        quarter_days.school_id,
        quarter_days.quarter_id
    from quarter_days
    inner join quarters
        on
            quarter_days.school_year = quarters.school_year
            and quarter_days.quarter_id = quarters.quarter_id
    inner join spells
        on
            quarter_days.child_key = spells.child_key
            and quarter_days.school_id != spells.school_id
            and spells.end_date > quarters.quarter_end - interval '12 month'
            and quarters.quarter_end >= spells.end_date

)

select
    quarter_days.child_key,
    quarter_days.school_id,
    quarter_days.school_year,
    quarter_days.quarter_id,
    cast(right(quarter_days.quarter_id, 1) as integer) as calendar_quarter,
    quarter_days.school_days,
    coalesce(absent_days.absent_days, 0) as absent_days,
    pupil_years.grade,
    pupil_years.class_type,
    context_flags.parents_apart,
    context_flags.parent_unknown,
    context_flags.no_parent_in_work,
    school_sizes.school_pupils,
    class_sizes.class_pupils,
    school_changes.child_key is not null as school_change
from quarter_days
inner join pupil_years
    on
        quarter_days.child_key = pupil_years.child_key
        and quarter_days.school_id = pupil_years.school_id
        and quarter_days.school_year = pupil_years.school_year
left join absent_days
    on
        quarter_days.child_key = absent_days.child_key
        and quarter_days.school_id = absent_days.school_id
        and quarter_days.quarter_id = absent_days.quarter_id
left join context_flags
    on
        quarter_days.child_key = context_flags.child_key
        and quarter_days.school_id = context_flags.school_id
        and quarter_days.school_year = context_flags.school_year
left join school_sizes
    on
        quarter_days.school_id = school_sizes.school_id
        and quarter_days.school_year = school_sizes.school_year
left join class_sizes
    on
        quarter_days.school_id = class_sizes.school_id
        and quarter_days.school_year = class_sizes.school_year
        and pupil_years.class_id = class_sizes.class_id
left join school_changes
    on
        quarter_days.child_key = school_changes.child_key
        and quarter_days.school_id = school_changes.school_id
        and quarter_days.quarter_id = school_changes.quarter_id
