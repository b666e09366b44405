-- How a daycare institution's former children fare in their first school years, per daycare institution
-- and school-start year (docs/planning.md, "Transitions"): its children who started school (the total of
-- transitions over schools), their absence in grade 0 and their wellbeing in grades 0-3. Each figure is
-- NULL where the disclosure control withholds it.
with
outcomes as (
    select * from {{ ref('int_transition_outcomes') }}
),

withheld as (
    select * from {{ ref('int_planning_withheld_cells') }}
    where is_withheld
),

flagged as (
    select
        outcomes.*,
        total.cell_id is not null as is_suppressed,
        total.suppression_reason,
        absence.cell_id is not null as is_absence_suppressed,
        wellbeing.cell_id is not null as is_wellbeing_suppressed
    from outcomes
    left join withheld as total
        on
            total.cell_id = 'transition_total|' || outcomes.from_institution_id || '|'
            || cast(outcomes.school_start_year as string)
    left join withheld as absence
        on
            absence.cell_id = 'transition_absence|' || outcomes.from_institution_id || '|'
            || cast(outcomes.school_start_year as string)
    left join withheld as wellbeing
        on
            wellbeing.cell_id = 'transition_wellbeing|' || outcomes.from_institution_id || '|'
            || cast(outcomes.school_start_year as string)
)

select
    cast(from_institution_id as string) as from_institution_id,
    cast(school_start_year as integer) as school_start_year,
    cast(case when not is_suppressed then children end as bigint) as children,
    cast(case when not is_absence_suppressed then {{ round_double('grade0_absence_pct', 1) }} end as double)
        as grade0_absence_pct,
    cast(case when not is_wellbeing_suppressed then {{ round_double('wellbeing_0_3_mean', 2) }} end as double)
        as wellbeing_0_3_mean,
    is_suppressed,
    cast(suppression_reason as string) as suppression_reason,
    is_absence_suppressed,
    is_wellbeing_suppressed
from flagged
