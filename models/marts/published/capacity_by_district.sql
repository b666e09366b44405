-- Capacity and the waiting list per district, daycare type and month (docs/planning.md, "Capacity"),
-- with the cells int_planning_withheld_cells withholds set to NULL: enrolled children, places and
-- utilization together; waiting children; the median days to offer; the guarantee share. Normed places
-- are about the buildings, not children, and are always published.
with
capacity as (
    select * from {{ ref('int_capacity_district_months') }}
),

withheld as (
    select * from {{ ref('int_planning_withheld_cells') }}
    where is_withheld
),

flagged as (
    select
        capacity.*,
        enrolled.cell_id is not null as is_enrolled_suppressed,
        waiting.cell_id is not null as is_waiting_suppressed,
        offers.cell_id is not null as is_offer_suppressed,
        guarantee.cell_id is not null as is_guarantee_suppressed
    from capacity
    left join withheld as enrolled
        on
            enrolled.cell_id = 'capacity_enrolled|' || capacity.district || '|' || capacity.institution_type
            || '|' || cast(capacity.month as string)
    left join withheld as waiting
        on
            waiting.cell_id = 'capacity_waiting|' || capacity.district || '|' || capacity.institution_type
            || '|' || cast(capacity.month as string)
    left join withheld as offers
        on
            offers.cell_id = 'capacity_offers|' || capacity.district || '|' || capacity.institution_type
            || '|' || cast(capacity.month as string)
    left join withheld as guarantee
        on
            guarantee.cell_id = 'capacity_guarantee|' || capacity.district || '|' || capacity.institution_type
            || '|' || cast(capacity.month as string)
)

select
    cast(district as string) as district,
    cast(institution_type as string) as institution_type,
    cast(month as date) as month,
    cast(normed_places as bigint) as normed_places,
    cast(case when not is_enrolled_suppressed then enrolled_children end as bigint) as enrolled_children,
    cast(case when not is_enrolled_suppressed then {{ round_double('enrolled_places', 1) }} end as double)
        as enrolled_places,
    cast(case when not is_enrolled_suppressed then {{ round_double('utilization_pct', 1) }} end as double)
        as utilization_pct,
    cast(case when not is_waiting_suppressed then waiting_children end as bigint) as waiting_children,
    cast(case when not is_offer_suppressed then median_days_to_offer end as double) as median_days_to_offer,
    cast(case when not is_guarantee_suppressed then {{ round_double('guarantee_kept_pct', 1) }} end as double)
        as guarantee_kept_pct,
    is_enrolled_suppressed,
    is_waiting_suppressed,
    is_offer_suppressed,
    is_guarantee_suppressed
from flagged
