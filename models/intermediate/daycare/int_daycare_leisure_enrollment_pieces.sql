-- One row per piece of a child's enrollment at a daycare/leisure institution on which nothing changes:
-- a piece starts where an enrollment row starts or ends or the child turns
-- `boernedata:young_child_age_years`, and runs to the day before the next such date (piece_end NULL:
-- runs on). Rows of one child at one institution that overlap count each day once, with the place of the
-- row that started last (a change of place). Each piece carries its place factor and age weight;
-- int_daycare_leisure_period_children counts its open days per period.
with

enrollments as (

    select * from {{ ref('int_daycare_leisure_enrollments') }}

),

children as (

    -- one birth date per child (it comes from the CPR number, so rows agree)
    select
        child_key,
        min(birth_date) as birth_date
    from enrollments
    group by child_key

),

child_ages as (

    -- the day the child turns young_child_age_years in completed years (born 29 Feb: 1 Mar)
    select
        child_key,
        cast({{ dbt.dateadd(
            'day',
            'extract(day from birth_date) - 1',
            date_from_parts(
                'extract(year from birth_date) + ' ~ var('boernedata:young_child_age_years'),
                'extract(month from birth_date)',
                1,
            ),
        ) }} as date) as older_from_date
    from children

),

breakpoints as (

    -- every date on which a child's count at an institution can change
    select
        child_key,
        institution_id,
        start_date as breakpoint_date
    from enrollments
    union
    select
        child_key,
        institution_id,
        cast({{ dbt.dateadd('day', 1, 'end_date') }} as date) as breakpoint_date
    from enrollments
    where end_date is not null
    union
    select
        enrollments.child_key,
        enrollments.institution_id,
        child_ages.older_from_date as breakpoint_date
    from enrollments
    inner join child_ages
        on enrollments.child_key = child_ages.child_key

),

pieces as (

    select
        child_key,
        institution_id,
        breakpoint_date as piece_start,
        -- null: runs on (the last breakpoint after an open-ended row)
        cast({{ dbt.dateadd(
            'day',
            -1,
            'lead(breakpoint_date) over (partition by child_key, institution_id order by breakpoint_date)',
        ) }} as date) as piece_end
    from breakpoints

),

covered_pieces as (

    -- pieces inside at least one enrollment row; the row that started last gives the place
    select
        pieces.child_key,
        pieces.institution_id,
        pieces.piece_start,
        pieces.piece_end,
        enrollments.place_factor,
        row_number() over (
            partition by pieces.child_key, pieces.institution_id, pieces.piece_start
            order by enrollments.start_date desc, enrollments.place_factor desc
        ) as row_rank
    from pieces
    inner join enrollments
        on
            pieces.child_key = enrollments.child_key
            and pieces.institution_id = enrollments.institution_id
            and pieces.piece_start >= enrollments.start_date
            and (enrollments.end_date is null or pieces.piece_start <= enrollments.end_date)

),

weighted_pieces as (

    select
        covered_pieces.child_key,
        covered_pieces.institution_id,
        covered_pieces.piece_start,
        covered_pieces.piece_end,
        covered_pieces.place_factor,
        case
            when covered_pieces.piece_start < child_ages.older_from_date
                then {{ var('boernedata:young_child_weight') }}
            else 1
        end as age_weight
    from covered_pieces
    inner join child_ages
        on covered_pieces.child_key = child_ages.child_key
    where covered_pieces.row_rank = 1

)

select
    child_key,
    institution_id,
    piece_start,
    piece_end,
    place_factor,
    age_weight
from weighted_pieces
