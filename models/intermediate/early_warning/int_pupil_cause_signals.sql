-- One row per pupil, school, school year and cause signal the pupil shows: the evidence the cause
-- segmentation (int_pupil_cause_segments) weighs with seeds/absence_cause_signals.csv. Each signal reads
-- one extract (named in the seed) as of the pupil's reference date (last day enrolled in the year); a
-- signal that a pupil does not show has no row. Absence-type shares need enough absent days to mean
-- anything (boernedata:cause_signal_min_absent_days). Signal names are the seed's keys: a test keeps the
-- seed to the names this model emits.
with

pupil_years as (

    select * from {{ ref('int_pupil_school_years') }}

),

ppr_referrals as (

    select * from {{ ref('stg_social__ppr_referrals') }}

),

notifications as (

    select * from {{ ref('stg_social__notifications') }}

),

measures as (

    select * from {{ ref('stg_social__measures') }}

),

language_assessments as (

    select * from {{ ref('stg_kbhbarn__language_assessments') }}

),

wellbeing_scores as (

    select * from {{ ref('int_pupil_wellbeing_scores') }}
    where indicator_code = 'sk_wellbeing_general'

),

test_results as (

    select * from {{ ref('stg_nationaletest__results') }}

),

exam_averages as (

    select * from {{ ref('int_pupil_exam_averages') }}

),

class_signals as (

    select
        child_key,
        school_id,
        school_year,
        case class_type when 'modtagelse' then 'reception_class' when 'special' then 'special_class' end
            as signal_code
    from pupil_years
    where class_type in ('modtagelse', 'special')

),

-- Two independent signals per pupil-year (a share of authorized, and of unauthorized, absence), so two
-- selects: one row each where the share is high enough.
authorized_signals as (

    select
        child_key,
        school_id,
        school_year,
        'authorized_share_high' as signal_code
    from pupil_years
    where
        absent_days >= {{ var('boernedata:cause_signal_min_absent_days') }}
        and 100 * authorized_days >= {{ var('boernedata:cause_signal_authorized_share_pct') }} * absent_days

),

unauthorized_signals as (

    select
        child_key,
        school_id,
        school_year,
        case
            when
                100 * unauthorized_days
                >= {{ var('boernedata:cause_signal_unauthorized_share_pct') }} * absent_days
                then 'unauthorized_share_high'
            else 'unauthorized_share_raised'
        end as signal_code
    from pupil_years
    where
        absent_days >= {{ var('boernedata:cause_signal_min_absent_days') }}
        and 100 * unauthorized_days
        >= {{ var('boernedata:cause_signal_unauthorized_raised_pct') }} * absent_days

),

ppr_signals as (

    select distinct
        pupil_years.child_key,
        pupil_years.school_id,
        pupil_years.school_year,
        case ppr_referrals.referral_reason
            when 'sprog' then 'ppr_language'
            when 'trivsel' then 'ppr_wellbeing'
            when 'indlaering' then 'ppr_learning'
        end as signal_code
    from pupil_years
    inner join ppr_referrals
        on
            pupil_years.child_key = ppr_referrals.child_key
            and pupil_years.reference_date >= ppr_referrals.referral_date
    where ppr_referrals.referral_reason in ('sprog', 'trivsel', 'indlaering')

),

notification_signals as (

    select distinct
        pupil_years.child_key,
        pupil_years.school_id,
        pupil_years.school_year,
        'notification_substance_abuse' as signal_code
    from pupil_years
    inner join notifications
        on
            pupil_years.child_key = notifications.child_key
            and pupil_years.reference_date >= notifications.received_date
    where notifications.reason_category = 'misbrug'

),

measure_signals as (

    select distinct
        pupil_years.child_key,
        pupil_years.school_id,
        pupil_years.school_year,
        'measure_any' as signal_code
    from pupil_years
    inner join measures
        on
            pupil_years.child_key = measures.child_key
            and pupil_years.reference_date >= measures.start_date

),

language_signals as (

    select distinct
        pupil_years.child_key,
        pupil_years.school_id,
        pupil_years.school_year,
        'language_assessment_focus' as signal_code
    from pupil_years
    inner join language_assessments
        on
            pupil_years.child_key = language_assessments.child_key
            and pupil_years.reference_date >= language_assessments.assessment_date
    where language_assessments.result_group in (
        {%- for group in var('boernedata:language_focus_result_groups') %}
            '{{ group }}'{% if not loop.last %}, {% endif %}
        {%- endfor %}
    )

),

-- The mean of the pupil's general wellbeing scores in surveys up to this school year.
wellbeing_signals as (

    select
        pupil_years.child_key,
        pupil_years.school_id,
        pupil_years.school_year,
        'low_wellbeing_score' as signal_code
    from pupil_years
    inner join wellbeing_scores
        on
            pupil_years.child_key = wellbeing_scores.child_key
            and pupil_years.school_year >= wellbeing_scores.school_year
    group by pupil_years.child_key, pupil_years.school_id, pupil_years.school_year
    having avg(wellbeing_scores.pupil_score) <= {{ var('boernedata:cause_signal_low_wellbeing_score') }}

),

-- The mean level of the pupil's national tests (both subjects) taken by the reference date.
test_signals as (

    select
        pupil_years.child_key,
        pupil_years.school_id,
        pupil_years.school_year,
        'low_test_level' as signal_code
    from pupil_years
    inner join test_results
        on
            pupil_years.child_key = test_results.child_key
            and pupil_years.reference_date >= test_results.test_date
    group by pupil_years.child_key, pupil_years.school_id, pupil_years.school_year
    having avg(test_results.result_level) <= {{ var('boernedata:cause_signal_low_test_level') }}

),

exam_signals as (

    select distinct
        pupil_years.child_key,
        pupil_years.school_id,
        pupil_years.school_year,
        'low_exam_average' as signal_code
    from pupil_years
    inner join exam_averages
        on
            pupil_years.child_key = exam_averages.child_key
            and pupil_years.school_year >= exam_averages.school_year
    where exam_averages.exam_average < {{ var('boernedata:cause_signal_low_exam_average') }}

)

select * from class_signals
union all
select * from authorized_signals
union all
select * from unauthorized_signals
union all
select * from ppr_signals
union all
select * from notification_signals
union all
select * from measure_signals
union all
select * from language_signals
union all
select * from wellbeing_signals
union all
select * from test_signals
union all
select * from exam_signals
