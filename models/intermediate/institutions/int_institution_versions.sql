-- History of institution master data (type, district, capacity, area, ...) as validity intervals,
-- built from the series of delivered register snapshots: a new version starts at the first snapshot
-- where any tracked attribute differs from the previous snapshot. The first version is taken to hold
-- from the opening date (older history was never delivered). An institution missing from the latest
-- snapshot was removed at the source: its last version ends the day before that snapshot.
with

snapshots as (

    select
        institutions.*,
        type_lookup.sector,
        {{ dbt.hash("concat_ws('|', institutions.institution_name, institutions.institution_type,
            institutions.ownership, institutions.district, institutions.postal_code,
            cast(institutions.normed_places as string), cast(institutions.play_area_m2 as string),
            institutions.cost_centre, coalesce(institutions.parent_institution_id, ''),
            cast(institutions.opened_date as string), coalesce(cast(institutions.closed_date as string), ''))") }}
            as attribute_hash
    from {{ ref('stg_institutionsregister__institutions') }} as institutions
    inner join {{ ref('institution_types') }} as type_lookup
        on institutions.institution_type = type_lookup.institution_type

),

latest_snapshot as (

    select max(snapshot_date) as snapshot_date from snapshots

),

flagged as (

    select
        *,
        coalesce(
            attribute_hash != lag(attribute_hash) over (partition by institution_id order by snapshot_date),
            true
        ) as is_new_version
    from snapshots

),

numbered as (

    select
        *,
        sum(case when is_new_version then 1 else 0 end)
            over (partition by institution_id order by snapshot_date rows unbounded preceding)
            as version_no
    from flagged

),

versions as (

    select
        institution_id,
        version_no,
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as last_snapshot_date,
        -- attributes are equal within a version; any_value (dbt's cross-engine macro) keeps it readable
        {{ dbt.any_value('institution_name') }} as institution_name,
        {{ dbt.any_value('institution_type') }} as institution_type,
        {{ dbt.any_value('sector') }} as sector,
        {{ dbt.any_value('ownership') }} as ownership,
        {{ dbt.any_value('district') }} as district,
        {{ dbt.any_value('postal_code') }} as postal_code,
        {{ dbt.any_value('opened_date') }} as opened_date,
        {{ dbt.any_value('closed_date') }} as closed_date,
        {{ dbt.any_value('normed_places') }} as normed_places,
        {{ dbt.any_value('play_area_m2') }} as play_area_m2,
        {{ dbt.any_value('cost_centre') }} as cost_centre,
        {{ dbt.any_value('parent_institution_id') }} as parent_institution_id
    from numbered
    group by institution_id, version_no

),

bounded as (

    select
        versions.*,
        case
            when versions.version_no = 1 then least(versions.opened_date, versions.first_snapshot_date)
            else versions.first_snapshot_date
        end as valid_from,
        lead(versions.first_snapshot_date) over (
            partition by versions.institution_id order by versions.version_no
        ) as next_version_start,
        latest_snapshot.snapshot_date as latest_snapshot_date
    from versions
    cross join latest_snapshot

)

select
    institution_id,
    version_no,
    institution_name,
    institution_type,
    sector,
    ownership,
    district,
    postal_code,
    opened_date,
    closed_date,
    normed_places,
    play_area_m2,
    cost_centre,
    parent_institution_id,
    valid_from,
    case
        when
            next_version_start is not null
            then cast({{ dbt.dateadd('day', -1, 'next_version_start') }} as date)
        when last_snapshot_date < latest_snapshot_date
            then cast({{ dbt.dateadd('day', -1, 'latest_snapshot_date') }} as date)
    end as valid_to,
    (next_version_start is null and last_snapshot_date = latest_snapshot_date) as is_current
from bounded
