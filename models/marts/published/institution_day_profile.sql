-- Staffing by the hour (issue 24, part 3): one row per daycare/leisure institution, whole half-year,
-- weekday with open days and slot of the day, from int_institution_day_slots. The published cut of the
-- day profile: means rounded to 2 decimals (a mean number of persons), the ratio to 2 decimals, and
-- below_norm decided on the unrounded means (the weighted sum to boernedata:compare_decimals decimals).
-- Withholding (docs/publication_rules.md, "Suppression"): the whole profile of an institution and
-- half-year is withheld when fewer than `boernedata:suppression_min_n` children attended or fewer than
-- that many employees were on the rota there (the staff curve of a small team shows when its members
-- work); its rows stay, with every measure NULL, so readers see "færre end 5". No published sum runs
-- across institutions' profiles, so no withheld profile can be worked out by differencing.
with

slots as (

    select * from {{ ref('int_institution_day_slots') }}

),

person_counts as (

    select * from {{ ref('int_day_profile_person_counts') }}

),

profiles as (

    select
        slots.*,
        (
            person_counts.children < {{ var('boernedata:suppression_min_n') }}
            or person_counts.employees < {{ var('boernedata:suppression_min_n') }}
        ) as is_suppressed
    from slots
    inner join person_counts
        on
            slots.institution_id = person_counts.institution_id
            and slots.period_id = person_counts.period_id

)

select
    institution_id,
    period_id,
    cast(weekday as integer) as weekday,
    slot_start,
    case when not is_suppressed then {{ round_double('children_present', 2) }} end as children_present,
    case
        when not is_suppressed then {{ round_double('children_present_weighted', 2) }}
    end as children_present_weighted,
    case when not is_suppressed then {{ round_double('staff_on_shift', 2) }} end as staff_on_shift,
    case when not is_suppressed then {{ round_double('children_per_adult', 2) }} end as children_per_adult,
    case when not is_suppressed then below_norm end as below_norm,
    cast(open_days as integer) as open_days,
    is_suppressed,
    case when is_suppressed then 'n_lt_5' end as suppression_reason
from profiles
