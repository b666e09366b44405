-- One row per child and month of the employment extract (beskaeftigelse/foraeldre) with the household
-- flags of the absence analysis, defined as the generator's truth file defines them
-- (rate_ratio_definitions): parents_apart = both parents known and one does not live with the child;
-- parent_unknown = a father row without a person (empty parent CPR); no_parent_in_work = no known parent
-- is `beskaeftiget`. A child with no row in a month has no flags that month (NULL downstream, not false).
with

parents as (

    select * from {{ ref('stg_beskaeftigelse__parents') }}

)

select
    child_key,
    month_start,
    bool_and(parent_key is not null) and bool_or(not is_living_with_child) as parents_apart,
    bool_or(relation = 'far' and parent_key is null) as parent_unknown,
    not coalesce(bool_or(parent_key is not null and employment_status = 'beskaeftiget'), false)
        as no_parent_in_work
from parents
where child_key is not null
group by child_key, month_start
