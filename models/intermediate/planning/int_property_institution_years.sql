-- Buildings and pressure per daycare institution and calendar year (before disclosure control). The year's
-- buildings are the newest ejendom/bygninger snapshot dated in the year; its reference date is the year's
-- last month end in the data window (31 December, or the window's end in the year in progress), on which
-- children, places, play area and the waiting list are counted. Childminders (dagpleje) have no buildings.
--   gross_m2                Σ of the institution's buildings; a building listed for k institutions (shared)
--                           gives each 1/k of its m² and of its maintenance backlog
--   condition_score         the m²-weighted mean condition of its buildings (1-5, 5 best)
--   play_area_m2_per_child  play area of the register version valid on the reference date / children
--                           enrolled that day (NULL without children)
--   legal_minimum_m2_per_child   the mean of the legal minimum (seed play_area_minimums) over those
--                           children: 3 m² a child aged 0-2, 2 m² a child of 3 or more
--   backlog_dkk_per_child   maintenance backlog / children enrolled
--   pressure                capacity presses (utilization = 100 x children / normed places at or above
--                           `boernedata:pressure_utilization_pct`, or a child in the district waiting past
--                           its guarantee date at the month end) and the building presses (condition at or
--                           below `boernedata:pressure_condition_score`, or play area per child below the
--                           legal minimum). A queue of children whose desired start is still ahead is not
--                           pressure: every district has one.
with
buildings as (
    select * from {{ ref('stg_ejendom__buildings') }}
),

versions as (
    select * from {{ ref('int_institution_versions') }}
    where sector = 'dagtilbud'
),

enrolled as (
    select * from {{ ref('int_daycare_enrolled_month_ends') }}
),

minimums as (
    select * from {{ ref('play_area_minimums') }}
),

waiting as (
    select * from {{ ref('int_waiting_list_months') }}
),

year_references as (
    select
        cast(extract(year from month_end) as integer) as year,
        max(month_start) as month_start,
        max(month_end) as reference_date
    from {{ ref('int_planning_months') }}
    group by extract(year from month_end)
),

year_snapshots as (
    select
        cast(extract(year from snapshot_date) as integer) as year,
        max(snapshot_date) as snapshot_date
    from buildings
    group by extract(year from snapshot_date)
),

building_shares as (
    select
        year_snapshots.year,
        buildings.institution_id,
        buildings.building_id,
        buildings.condition_score,
        cast(buildings.gross_m2 as double)
        / count(*) over (partition by year_snapshots.year, buildings.building_id) as gross_m2,
        cast(buildings.maintenance_backlog_dkk as double)
        / count(*) over (partition by year_snapshots.year, buildings.building_id) as backlog_dkk
    from buildings
    inner join year_snapshots
        on buildings.snapshot_date = year_snapshots.snapshot_date
),

institution_buildings as (
    -- exact sums, rounded to 6 decimals: the decimal-to-double cast of a sum can miss a whole value by
    -- its last bit (130 000 -> 129 999.99999999999)
    select
        year,
        institution_id,
        {{ round_double(exact_sum('gross_m2'), 6) }} as gross_m2,
        {{ exact_sum('gross_m2 * condition_score') }} / {{ exact_sum('gross_m2') }} as condition_score,
        {{ round_double(exact_sum('backlog_dkk'), 6) }} as backlog_dkk
    from building_shares
    group by year, institution_id
),

institution_children as (
    select
        enrolled.institution_id,
        enrolled.month_start,
        sum(enrolled.enrolled_children) as enrolled_children,
        sum(enrolled.enrolled_children * minimums.m2_per_child) as minimum_m2
    from enrolled
    inner join minimums
        on enrolled.age_band = minimums.age_band
    group by enrolled.institution_id, enrolled.month_start
),

district_overdue as (
    select
        district,
        month_start,
        sum(overdue_children) as overdue_children
    from waiting
    group by district, month_start
),

institution_years as (
    select
        institution_buildings.institution_id,
        institution_buildings.year,
        versions.district,
        versions.institution_type,
        year_references.month_start,
        year_references.reference_date,
        institution_buildings.gross_m2,
        institution_buildings.condition_score,
        institution_buildings.backlog_dkk,
        versions.play_area_m2,
        versions.normed_places,
        coalesce(institution_children.enrolled_children, 0) as enrolled_children,
        institution_children.minimum_m2,
        coalesce(district_overdue.overdue_children, 0) as district_overdue_children
    from institution_buildings
    inner join year_references
        on institution_buildings.year = year_references.year
    inner join versions
        on
            institution_buildings.institution_id = versions.institution_id
            and year_references.reference_date >= versions.valid_from
            and (versions.valid_to is null or year_references.reference_date <= versions.valid_to)
    left join institution_children
        on
            institution_buildings.institution_id = institution_children.institution_id
            and year_references.month_start = institution_children.month_start
    left join district_overdue
        on
            versions.district = district_overdue.district
            and year_references.month_start = district_overdue.month_start
),

measures as (
    select
        *,
        case when enrolled_children > 0 then play_area_m2 / enrolled_children end as play_area_m2_per_child,
        case when enrolled_children > 0 then minimum_m2 / enrolled_children end as legal_minimum_m2_per_child,
        case when enrolled_children > 0 then backlog_dkk / enrolled_children end as backlog_dkk_per_child,
        case
            when normed_places > 0 then 100 * cast(enrolled_children as double) / normed_places
        end as utilization_pct
    from institution_years
)

select
    institution_id,
    year,
    district,
    institution_type,
    month_start,
    reference_date,
    gross_m2,
    play_area_m2,
    play_area_m2_per_child,
    legal_minimum_m2_per_child,
    condition_score,
    backlog_dkk,
    backlog_dkk_per_child,
    normed_places,
    enrolled_children,
    utilization_pct,
    district_overdue_children,
    (
        coalesce(utilization_pct >= {{ var('boernedata:pressure_utilization_pct') }}, false)
        or district_overdue_children > 0
    ) as capacity_presses,
    (
        condition_score <= {{ var('boernedata:pressure_condition_score') }}
        or coalesce(play_area_m2_per_child < legal_minimum_m2_per_child, false)
    ) as building_presses
from measures
