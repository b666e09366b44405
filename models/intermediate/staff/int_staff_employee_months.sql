-- One row per employee, institution and month of the HR staff snapshot (docs/raw_extracts.md §9) with
-- how the row counts in the staff indicators. FTE = weekly_hours / full-time hours, not capped (a 48-hour
-- childminder is 1.30). ratio_fte is the FTE in staffing ratios and pedagogue shares: 0 for rows on leave
-- or funded by a state pool, a leader at boernedata:leader_fte_weight. Which positions are pedagogical
-- depends on the sector (staff_positions seed) of the institution's register version valid on the
-- month's last day (the current one for months before the first version: hired before opening).
with

staff_months as (

    select * from {{ ref('stg_hr__staff_months') }}

),

positions as (

    select * from {{ ref('staff_positions') }}

),

versions as (

    select * from {{ ref('int_institution_versions') }}

),

latest_sectors as (

    -- for months outside every register version (staff hired before the house opens): the current type
    select
        institutions.institution_id,
        type_lookup.sector
    from {{ ref('int_institutions_latest') }} as institutions
    inner join {{ ref('institution_types') }} as type_lookup
        on institutions.institution_type = type_lookup.institution_type

),

with_month_end as (

    select
        *,
        cast({{ dbt.last_day('month_start', 'month') }} as date) as month_end
    from staff_months

),

classified as (

    select
        staff.month_start,
        staff.employee_id,
        staff.institution_id,
        coalesce(versions.sector, latest_sectors.sector) as sector,
        staff.position,
        positions.position is not null as is_known_position,
        staff.is_trained_pedagogue,
        coalesce(positions.is_leader, false) as is_leader,
        coalesce(
            case
                when coalesce(versions.sector, latest_sectors.sector) = 'skole'
                    then positions.is_pedagogical_school
                else positions.is_pedagogical_daycare_leisure
            end,
            false
        ) as is_pedagogical,
        coalesce(positions.is_teacher, false) as is_teacher,
        -- the Shared definitions' staff FTE: only rows not on leave and funded by the operating budget
        (not staff.is_on_leave and staff.funding = 'drift') as counts_in_ratios,
        staff.weekly_hours / {{ var('boernedata:full_time_weekly_hours') }} as fte,
        staff.sick_days,
        staff.planned_days
    from with_month_end as staff
    left join positions
        on staff.position = positions.position
    left join versions
        on
            staff.institution_id = versions.institution_id
            and staff.month_end >= versions.valid_from
            -- open_end, not `valid_to is null or ...`: DuckDB cannot hash a left join whose condition
            -- holds an OR and loops over every pair instead (2.4 s against 0.6 s at Copenhagen's scale)
            and staff.month_end <= {{ open_end('versions.valid_to') }}
    left join latest_sectors
        on staff.institution_id = latest_sectors.institution_id

)

select
    month_start,
    employee_id,
    institution_id,
    sector,
    position,
    is_known_position,
    is_trained_pedagogue,
    is_leader,
    is_pedagogical,
    is_teacher,
    counts_in_ratios,
    fte,
    case
        when not counts_in_ratios then 0.0
        when is_leader then fte * {{ var('boernedata:leader_fte_weight') }}
        else fte
    end as ratio_fte,
    sick_days,
    planned_days
from classified
