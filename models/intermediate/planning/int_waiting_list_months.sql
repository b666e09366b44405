-- The waiting list per district, requested daycare type and month (int_planning_months up to the newest
-- waiting-list snapshot: later months are not known yet):
--   waiting_children      children with a request made on or before the month's last day and no offer
--                         by then, read from the first snapshot dated on or after that day (it shows
--                         every offer made up to its own date). A child that was withdrawn (moved away)
--                         before that snapshot is not in it and not counted: the month ends between the
--                         last snapshot that lists it and the first that does not are counted without it.
--   overdue_children      of them, those whose guarantee date has passed (waiting past the guarantee)
--   offers, median_days_to_offer   offers made in the month and the median of offered date - request date
--   guarantee_requests, guarantee_kept   requests whose guarantee date falls in the month and are counted
--                         (int_waiting_list_requests.guarantee_status), and how many were kept
with
waiting_list as (
    select * from {{ ref('stg_kapacitet__waiting_list') }}
),

requests as (
    select * from {{ ref('int_waiting_list_requests') }}
),

snapshots as (
    select distinct snapshot_date from waiting_list
),

months as (
    select planning_months.*
    from {{ ref('int_planning_months') }} as planning_months
    where planning_months.month_end <= (select max(snapshots.snapshot_date) from snapshots)
),

month_snapshots as (
    -- the first snapshot on or after each month's last day
    select
        months.month_start,
        months.month_end,
        min(snapshots.snapshot_date) as snapshot_date
    from months
    inner join snapshots
        on months.month_end <= snapshots.snapshot_date
    group by months.month_start, months.month_end
),

waiting as (
    select
        waiting_list.district,
        waiting_list.requested_type,
        month_snapshots.month_start,
        count(distinct waiting_list.child_key) as waiting_children,
        count(distinct case
            when
                {{ guarantee_date('waiting_list.desired_start_date', 'waiting_list.request_date') }}
                < month_snapshots.month_end
                then waiting_list.child_key
        end) as overdue_children
    from month_snapshots
    inner join waiting_list
        on
            month_snapshots.snapshot_date = waiting_list.snapshot_date
            and month_snapshots.month_end >= waiting_list.request_date
            and (waiting_list.offered_date is null or month_snapshots.month_end < waiting_list.offered_date)
    group by waiting_list.district, waiting_list.requested_type, month_snapshots.month_start
),

offers as (
    select
        requests.district,
        requests.requested_type,
        months.month_start,
        count(*) as offers,
        {{ median_of(dbt.datediff('requests.request_date', 'requests.offered_date', 'day')) }}
            as median_days_to_offer
    from requests
    inner join months
        on requests.offered_date between months.month_start and months.month_end
    group by requests.district, requests.requested_type, months.month_start
),

guarantees as (
    select
        requests.district,
        requests.requested_type,
        months.month_start,
        count(*) as guarantee_requests,
        sum(case when requests.guarantee_status = 'kept' then 1 else 0 end) as guarantee_kept
    from requests
    inner join months
        on requests.guarantee_date between months.month_start and months.month_end
    where requests.guarantee_status is not null
    group by requests.district, requests.requested_type, months.month_start
),

keys as (
    select
        district,
        requested_type,
        month_start
    from waiting
    union
    select
        district,
        requested_type,
        month_start
    from offers
    union
    select
        district,
        requested_type,
        month_start
    from guarantees
)

select
    keys.district,
    keys.requested_type as institution_type,
    keys.month_start,
    coalesce(waiting.waiting_children, 0) as waiting_children,
    coalesce(waiting.overdue_children, 0) as overdue_children,
    coalesce(offers.offers, 0) as offers,
    offers.median_days_to_offer,
    coalesce(guarantees.guarantee_requests, 0) as guarantee_requests,
    coalesce(guarantees.guarantee_kept, 0) as guarantee_kept
from keys
left join waiting
    on
        keys.district = waiting.district
        and keys.requested_type = waiting.requested_type
        and keys.month_start = waiting.month_start
left join offers
    on
        keys.district = offers.district
        and keys.requested_type = offers.requested_type
        and keys.month_start = offers.month_start
left join guarantees
    on
        keys.district = guarantees.district
        and keys.requested_type = guarantees.requested_type
        and keys.month_start = guarantees.month_start
