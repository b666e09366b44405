-- Child-level (internal only). One row per request on the daycare waiting list (child, requested type,
-- request date), as the newest full snapshot that lists it says: district, desired start, the offer
-- (NULL: none known), and the place guarantee (pasningsgaranti). A snapshot shows an offer only once it
-- is made, and drops a request a year after its offer or when it is withdrawn (the child moved away,
-- took a private place), so the history is the union of the snapshots, each request from the newest one.
--   guarantee_date    the latest date the guarantee allows the offer: the desired start date, but not
--                     before `boernedata:guarantee_months` months after the request
--   guarantee_status  kept: offered on or before the guarantee date; broken: offered later, or still
--                     listed without an offer on a snapshot dated on or after the guarantee date;
--                     NULL (not counted): no offer and the guarantee date not reached while listed (a
--                     request withdrawn before its date, or one whose date is still ahead)
with
waiting_list as (
    select * from {{ ref('stg_kapacitet__waiting_list') }}
),

ranked as (
    select
        child_key,
        district,
        requested_type,
        request_date,
        desired_start_date,
        offered_date,
        snapshot_date,
        max(snapshot_date) over (partition by child_key, requested_type, request_date) as last_listed_date,
        row_number() over (
            partition by child_key, requested_type, request_date
            order by snapshot_date desc, loaded_at desc, source_file desc, source_line desc
        ) as row_rank
    from waiting_list
),

requests as (
    select
        child_key,
        district,
        requested_type,
        request_date,
        desired_start_date,
        offered_date,
        last_listed_date,
        {{ guarantee_date('desired_start_date', 'request_date') }} as guarantee_date
    from ranked
    where row_rank = 1
)

select
    child_key,
    district,
    requested_type,
    request_date,
    desired_start_date,
    offered_date,
    last_listed_date,
    guarantee_date,
    case
        when offered_date is not null and offered_date <= guarantee_date then 'kept'
        when offered_date is not null then 'broken'
        when last_listed_date >= guarantee_date then 'broken'
    end as guarantee_status
from requests
