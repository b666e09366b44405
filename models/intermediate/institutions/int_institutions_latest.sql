-- The institution register as the latest delivered snapshot has it: the input of the dbt snapshot
-- `institutions_snapshot`, which keeps the register's history across builds even when old deliveries
-- are purged from the landing zone.
with

institutions as (

    select * from {{ ref('stg_institutionsregister__institutions') }}

)

select
    institutions.institution_id,
    institutions.institution_name,
    institutions.institution_type,
    institutions.ownership,
    institutions.district,
    institutions.postal_code,
    institutions.opened_date,
    institutions.closed_date,
    institutions.normed_places,
    institutions.play_area_m2,
    institutions.cost_centre,
    institutions.parent_institution_id,
    institutions.snapshot_date
from institutions
where institutions.snapshot_date = (select max(latest.snapshot_date) from institutions as latest)
