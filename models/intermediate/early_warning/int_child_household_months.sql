-- One row per child and month of the employment extract (beskaeftigelse/foraeldre) with the household
-- flags of the absence analysis, defined as the generator's truth file defines them
-- (rate_ratio_definitions): parents_apart = both parents known and one does not live with the child;
-- parent_unknown = a father row without a person (empty parent CPR); no_parent_in_work = no known parent
-- is `beskaeftiget`. A child with no row in a month has no flags that month (NULL downstream, not false).
-- Grouped on the integer person key (~10 M rows at Copenhagen's scale); the pseudonym is looked up once
-- per grouped row (join_persons; a key missing from the register gives no row, as before).
-- Incremental by month (macros/incremental.sql): a month's flags read only that month's rows, so a nightly
-- build recomputes the months from BOERNEDATA_INCREMENTAL_SINCE on and keeps the earlier ones (a
-- re-delivered month moves that date back to its first day: beskaeftigelse/foraeldre is one of
-- boernedata/build/incremental.py's PERIOD_EXTRACTS).
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_since('month_start') }}",
) }}
with

parents as (

    select * from {{ ref('stg_beskaeftigelse__parents') }}
    where {{ is_recomputed('month_start') }}

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

),

with_persons as (

    {{ join_persons('child_months', ['child_']) }}

)

select
    child_pseudonym as child_key,
    month_start,
    parents_apart,
    parent_unknown,
    no_parent_in_work
from with_persons
where child_pseudonym is not null
