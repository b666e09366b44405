-- The data year wheel (dataårshjul): when each kind of data is updated. Maintained as a seed.
select
    source_extract,
    data_kind,
    months_available,
    description_da
from {{ ref('seed_data_year_wheel') }}
