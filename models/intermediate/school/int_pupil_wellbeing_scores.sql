-- One row per pupil, school, survey and wellbeing indicator with the pupil's score: the mean of the
-- pupil's answered items of the indicator, only when at least half of those items were answered
-- (2 x answered >= items; 29 items -> 15). The survey of spring YYYY belongs to school year (YYYY-1)/YY.
-- Which items build which indicator is data (seed wellbeing_items), not SQL.
-- The answers are deduplicated and grouped on the integer person key (millions of rows at Copenhagen's
-- scale); the pseudonym is looked up once per pupil score (join_persons).
with

answers as (

    select * from {{ ref('stg_trivsel__answers') }}

),

items as (

    select * from {{ ref('wellbeing_items') }}

),

latest_answers as (

    -- one answer per pupil and question: should a question be delivered twice, the last row counts
    select
        child_person_key,
        school_id,
        survey_year,
        survey_version,
        question_no,
        answer,
        row_number() over (
            partition by child_person_key, school_id, survey_year, survey_version, question_no
            order by loaded_at desc, source_file desc, source_line desc
        ) as answer_rank
    from answers

),

pupil_items as (

    select
        latest_answers.child_person_key,
        latest_answers.school_id,
        latest_answers.survey_year,
        items.survey_version,
        items.indicator_code,
        items.last_question_no - items.first_question_no + 1 as items_in_indicator,
        count(latest_answers.answer) as items_answered,
        sum(latest_answers.answer) as answer_sum
    from latest_answers
    inner join items
        on
            latest_answers.survey_version = items.survey_version
            and latest_answers.question_no between items.first_question_no and items.last_question_no
    where latest_answers.answer_rank = 1
    group by
        latest_answers.child_person_key,
        latest_answers.school_id,
        latest_answers.survey_year,
        items.survey_version,
        items.indicator_code,
        items.first_question_no,
        items.last_question_no

),

with_persons as (

    {{ join_persons('pupil_items', ['child_']) }}

)

select
    child_pseudonym as child_key,
    school_id,
    survey_year,
    {{ school_year_id('survey_year - 1') }} as school_year,
    survey_version,
    indicator_code,
    items_in_indicator,
    items_answered,
    case
        when 2 * items_answered >= items_in_indicator then cast(answer_sum as double) / items_answered
    end as pupil_score
from with_persons
