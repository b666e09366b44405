-- One row per concerning pupil, school and school year (absence > 10 % of >= 20 school days, as
-- sk_concerning_absence_pct): the cause segment and the Danish evidence. The rule set is data: each
-- signal the pupil shows (int_pupil_cause_signals) adds its weight (seeds/absence_cause_signals.csv) to
-- its segment; the heaviest segment wins when it weighs at least boernedata:cause_segment_min_weight, a
-- tie goes to the lower priority number (seeds/absence_cause_segments.csv), and otherwise the segment is
-- `unknown`. The evidence names the winning segment's signals and their extracts, heaviest first.
with

pupil_years as (

    select * from {{ ref('int_pupil_school_years') }}
    where
        school_days >= {{ var('boernedata:concerning_absence_min_school_days') }}
        and 100 * absent_days > {{ var('boernedata:concerning_absence_pct') }} * school_days

),

signals as (

    select * from {{ ref('int_pupil_cause_signals') }}

),

signal_weights as (

    select * from {{ ref('absence_cause_signals') }}

),

segments as (

    select * from {{ ref('absence_cause_segments') }}

),

weighed as (

    select
        signals.child_key,
        signals.school_id,
        signals.school_year,
        signal_weights.segment,
        signal_weights.weight,
        signal_weights.description_da || ' (' || signal_weights.source_extract || ')' as evidence_da
    from signals
    inner join signal_weights
        on signals.signal_code = signal_weights.signal_code

),

segment_weights as (

    select
        weighed.child_key,
        weighed.school_id,
        weighed.school_year,
        weighed.segment,
        segments.name_da,
        sum(weighed.weight) as segment_weight,
        {{ ordered_string_agg(
            'weighed.evidence_da', "'; '", 'weighed.weight desc, weighed.evidence_da asc'
        ) }}
            as evidence_da,
        row_number() over (
            partition by weighed.child_key, weighed.school_id, weighed.school_year
            order by sum(weighed.weight) desc, segments.priority
        ) as segment_rank
    from weighed
    inner join segments
        on weighed.segment = segments.segment
    group by
        weighed.child_key, weighed.school_id, weighed.school_year, weighed.segment, segments.name_da,
        segments.priority

),

top_segment as (

    select * from segment_weights
    where segment_rank = 1

)

select
    pupil_years.child_key,
    pupil_years.school_id,
    pupil_years.school_year,
    case
        when top_segment.segment_weight >= {{ var('boernedata:cause_segment_min_weight') }}
            then top_segment.segment
        else 'unknown'
    end as cause_segment,
    case
        when top_segment.segment_weight >= {{ var('boernedata:cause_segment_min_weight') }}
            then top_segment.name_da || ': ' || top_segment.evidence_da
        when top_segment.segment is not null
            then 'Ukendt årsag: kun svage tegn (' || top_segment.evidence_da || ')'
        else 'Ukendt årsag: ingen tegn i de andre registre'
    end as segment_evidence
from pupil_years
left join top_segment
    on
        pupil_years.child_key = top_segment.child_key
        and pupil_years.school_id = top_segment.school_id
        and pupil_years.school_year = top_segment.school_year
