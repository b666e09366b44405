-- Capacity and waiting list per district, daycare type and month (before disclosure control): normed
-- places of the type's institutions open on the month's last day (register version valid that day),
-- children enrolled that day (heads, and weighted by place factor), utilization = 100 x enrolled
-- children / normed places (NULL without normed places), and the waiting list of the district for that
-- type (int_waiting_list_months; the waiting list names the requested district and type). Months after
-- the newest waiting-list snapshot have no waiting figures (NULL, not 0). A month and type appear where
-- the district has normed places, enrolled children or waiting-list activity.
with
months as (
    select * from {{ ref('int_planning_months') }}
),

versions as (
    select * from {{ ref('int_institution_versions') }}
    where sector = 'dagtilbud'
),

enrolled as (
    select * from {{ ref('int_daycare_enrolled_month_ends') }}
),

waiting as (
    select * from {{ ref('int_waiting_list_months') }}
),

waiting_months as (
    -- months the waiting list is known for: up to the newest snapshot
    select months.month_start
    from months
    where
        months.month_end
        <= (select max(snapshots.snapshot_date) from {{ ref('stg_kapacitet__waiting_list') }} as snapshots)
),

places as (
    select
        versions.district,
        versions.institution_type,
        months.month_start,
        sum(versions.normed_places) as normed_places
    from versions
    inner join months
        on
            versions.valid_from <= months.month_end
            and (versions.valid_to is null or versions.valid_to >= months.month_end)
            and versions.opened_date <= months.month_end
            and (versions.closed_date is null or versions.closed_date >= months.month_end)
    group by versions.district, versions.institution_type, months.month_start
),

enrollment as (
    select
        district,
        institution_type,
        month_start,
        sum(enrolled_children) as enrolled_children,
        {{ exact_sum('enrolled_places') }} as enrolled_places
    from enrolled
    group by district, institution_type, month_start
),

keys as (
    select
        district,
        institution_type,
        month_start
    from places
    union
    select
        district,
        institution_type,
        month_start
    from enrollment
    union
    select
        district,
        institution_type,
        month_start
    from waiting
)

select
    keys.district,
    keys.institution_type,
    keys.month_start as month,
    months.half_year_id,
    coalesce(places.normed_places, 0) as normed_places,
    coalesce(enrollment.enrolled_children, 0) as enrolled_children,
    coalesce(enrollment.enrolled_places, 0) as enrolled_places,
    case
        when places.normed_places > 0
            then 100 * cast(coalesce(enrollment.enrolled_children, 0) as double) / places.normed_places
    end as utilization_pct,
    case when waiting_months.month_start is not null then coalesce(waiting.waiting_children, 0) end
        as waiting_children,
    case when waiting_months.month_start is not null then coalesce(waiting.overdue_children, 0) end
        as overdue_children,
    waiting.median_days_to_offer,
    case when waiting_months.month_start is not null then coalesce(waiting.offers, 0) end as offers,
    case
        when waiting.guarantee_requests > 0
            then 100 * cast(waiting.guarantee_kept as double) / waiting.guarantee_requests
    end as guarantee_kept_pct,
    case when waiting_months.month_start is not null then coalesce(waiting.guarantee_requests, 0) end
        as guarantee_requests
from keys
inner join months
    on keys.month_start = months.month_start
left join places
    on
        keys.district = places.district
        and keys.institution_type = places.institution_type
        and keys.month_start = places.month_start
left join enrollment
    on
        keys.district = enrollment.district
        and keys.institution_type = enrollment.institution_type
        and keys.month_start = enrollment.month_start
left join waiting
    on
        keys.district = waiting.district
        and keys.institution_type = waiting.institution_type
        and keys.month_start = waiting.month_start
left join waiting_months
    on keys.month_start = waiting_months.month_start
