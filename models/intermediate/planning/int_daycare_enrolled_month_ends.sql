-- Children enrolled per daycare institution, month and age band on the month's last day (the day
-- capacity and property count on), with the register version valid that day (district, type). A child
-- enrolled at two institutions that day counts at each (as in the institution indicators); a part-time
-- place counts as one child and as its place factor in enrolled_places. The age band (seed
-- play_area_minimums) is the band of the child's completed years that day; a child older than the last
-- band (a 6-year-old before school start) counts in the last band.
with
pieces as (
    select * from {{ ref('int_daycare_leisure_enrollment_pieces') }}
),

enrollments as (
    select * from {{ ref('int_daycare_leisure_enrollments') }}
),

versions as (
    select * from {{ ref('int_institution_versions') }}
    where sector = 'dagtilbud'
),

months as (
    select * from {{ ref('int_planning_months') }}
),

age_bands as (
    select * from {{ ref('play_area_minimums') }}
),

children as (
    select
        child_key,
        min(birth_date) as birth_date
    from enrollments
    group by child_key
),

enrolled as (
    select
        pieces.child_key,
        pieces.institution_id,
        pieces.place_factor,
        months.month_start,
        months.month_end,
        versions.district,
        versions.institution_type,
        floor({{ age_in_completed_months('children.birth_date', 'months.month_end') }} / 12) as age_years
    from pieces
    inner join months
        on
            pieces.piece_start <= months.month_end
            and (pieces.piece_end is null or pieces.piece_end >= months.month_end)
    inner join versions
        on
            pieces.institution_id = versions.institution_id
            and months.month_end >= versions.valid_from
            and (versions.valid_to is null or months.month_end <= versions.valid_to)
    inner join children
        on pieces.child_key = children.child_key
),

banded as (
    -- the band with the highest lower bound at or below the child's age
    select
        enrolled.*,
        age_bands.age_band,
        row_number() over (
            partition by enrolled.child_key, enrolled.institution_id, enrolled.month_start
            order by age_bands.min_age_years desc
        ) as band_rank
    from enrolled
    inner join age_bands
        on enrolled.age_years >= age_bands.min_age_years
)

select
    institution_id,
    month_start,
    month_end,
    district,
    institution_type,
    age_band,
    count(*) as enrolled_children,
    {{ exact_sum('place_factor') }} as enrolled_places
from banded
where band_rank = 1
group by institution_id, month_start, month_end, district, institution_type, age_band
