-- Institutions, one row per version of their master data (type, district, capacity change over time).
select
    institution_id,
    institution_name as name,
    institution_type,
    sector,
    ownership,
    district,
    normed_places,
    valid_from,
    valid_to,
    is_current
from {{ ref('int_institution_versions') }}
