-- One row per child and month of the employment extract (beskaeftigelse/foraeldre) with the household
-- flags of the absence analysis, defined as the generator's truth file defines them
-- (rate_ratio_definitions): parents_apart = both parents known and one does not live with the child;
-- parent_unknown = a father row without a person (empty parent CPR); no_parent_in_work = no known parent
-- is `beskaeftiget`. A child with no row in a month has no flags that month (NULL downstream, not false).
-- Grouped on the integer person key (~10 M rows at Copenhagen's scale); the pseudonym is looked up once
-- per grouped row.
with

parents as (

    select * from {{ ref('stg_beskaeftigelse__parents') }}

),

persons as (

    select * from {{ ref('stg_landing__persons') }}

),

child_months as (

    select
        child_person_key,
        month_start,
        bool_and(parent_person_key is not null) and bool_or(not is_living_with_child) as parents_apart,
        bool_or(relation = 'far' and parent_person_key is null) as parent_unknown,
        not coalesce(bool_or(parent_person_key is not null and employment_status = 'beskaeftiget'), false)
            as no_parent_in_work
    from parents
    where child_person_key is not null
    group by child_person_key, month_start

)

select
    persons.pseudonym as child_key,
    child_months.month_start,
    child_months.parents_apart,
    child_months.parent_unknown,
    child_months.no_parent_in_work
from child_months
inner join persons
    on child_months.child_person_key = persons.person_key
