-- The indicator catalogue as published: what each code means, its quality dimension, unit and direction.
-- Maintained by the analysts as the seed `indicator_catalogue`.
select
    indicator_code,
    name_da,
    name_en,
    quality_dimension,
    sector,
    unit,
    higher_is_better,
    period_types,
    source_extracts,
    definition_da
from {{ ref('seed_indicator_catalogue') }}
