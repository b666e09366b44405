-- The institution register as the latest delivered snapshot has it: the input of the dbt snapshot
-- `institutions_snapshot`, which keeps the register's history across builds even when old deliveries
-- are purged from the landing zone.
with

institutions as (

    select * from {{ ref('stg_institutionsregister__institutions') }}

)

select
    institution_id,
    institution_name,
    institution_type,
    ownership,
    district,
    postal_code,
    opened_date,
    closed_date,
    normed_places,
    play_area_m2,
    cost_centre,
    parent_institution_id,
    snapshot_date
from institutions
where snapshot_date = (select max(snapshot_date) from institutions)
