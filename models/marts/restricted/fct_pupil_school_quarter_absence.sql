-- One row per pupil, school and calendar quarter (cut to the school year) with the school days enrolled
-- and the unauthorized absent days: the grain of the 15 % rule (sk_unauthorized_15_pupils).
with

spells as (

    select * from {{ ref('int_pupil_school_spells') }}

),

calendar_days as (

    select * from {{ ref('int_school_calendar_days') }}

),

absence_days as (

    select * from {{ ref('int_pupil_absence_days') }}

),

quarters as (

    select * from {{ ref('int_school_year_quarters') }}

),

spell_quarters as (

    select
        spells.child_key,
        spells.school_id,
        quarters.school_year,
        quarters.quarter_id,
        greatest(spells.start_date, quarters.quarter_start) as first_date,
        least(coalesce(spells.end_date, quarters.quarter_end), quarters.quarter_end) as last_date
    from spells
    inner join quarters
        on
            spells.start_date <= quarters.quarter_end
            and (spells.end_date is null or spells.end_date >= quarters.quarter_start)

),

enrolled_days as (

    select
        spell_quarters.child_key,
        spell_quarters.school_id,
        spell_quarters.school_year,
        spell_quarters.quarter_id,
        sum(last_day.school_days_through - first_day.school_days_before) as school_days
    from spell_quarters
    inner join calendar_days as first_day
        on spell_quarters.first_date = first_day.calendar_date
    inner join calendar_days as last_day
        on spell_quarters.last_date = last_day.calendar_date
    group by
        spell_quarters.child_key,
        spell_quarters.school_id,
        spell_quarters.school_year,
        spell_quarters.quarter_id

),

unauthorized_days as (

    select
        absence_days.child_key,
        absence_days.school_id,
        quarters.school_year,
        quarters.quarter_id,
        count(*) as unauthorized_days
    from absence_days
    inner join quarters
        on absence_days.absence_date between quarters.quarter_start and quarters.quarter_end
    where absence_days.absence_type = 'U'
    group by absence_days.child_key, absence_days.school_id, quarters.school_year, quarters.quarter_id

)

select
    enrolled_days.child_key,
    enrolled_days.school_id,
    enrolled_days.school_year,
    enrolled_days.quarter_id,
    enrolled_days.school_days,
    coalesce(unauthorized_days.unauthorized_days, 0) as unauthorized_days
from enrolled_days
left join unauthorized_days
    on
        enrolled_days.child_key = unauthorized_days.child_key
        and enrolled_days.school_id = unauthorized_days.school_id
        and enrolled_days.school_year = unauthorized_days.school_year
        and enrolled_days.quarter_id = unauthorized_days.quarter_id
where enrolled_days.school_days > 0
