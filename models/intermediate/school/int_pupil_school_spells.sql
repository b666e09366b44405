-- Enrollment spells per pupil and school: the elever rows of one pupil at one school merged where they
-- overlap (a class change can be delivered as two rows sharing a day). Counting school days per spell
-- then counts each (pupil, school, day) once; a pupil who changes school gets a spell at each school.
with

enrollments as (

    select * from {{ ref('int_school_enrollments') }}

),

ordered as (

    select
        child_key,
        school_id,
        start_date,
        end_date,
        -- the latest end seen so far among earlier rows; an open end (null) reaches every later row
        max(coalesce(end_date, cast('9999-12-31' as date))) over (
            partition by child_key, school_id
            order by start_date, end_date
            rows between unbounded preceding and 1 preceding
        ) as previous_max_end_date
    from enrollments

),

numbered as (

    select
        child_key,
        school_id,
        start_date,
        end_date,
        sum(
            case when previous_max_end_date is null or start_date > previous_max_end_date then 1 else 0 end
        ) over (
            partition by child_key, school_id
            order by start_date, end_date
            rows between unbounded preceding and current row
        ) as spell_no
    from ordered

)

select
    child_key,
    school_id,
    spell_no,
    min(start_date) as start_date,
    -- null (still enrolled) when any merged row is open-ended
    case when count(end_date) = count(*) then max(end_date) end as end_date
from numbered
group by child_key, school_id, spell_no
