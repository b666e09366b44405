-- Enrolled children per daycare/leisure institution and period (half-year, school year, calendar year),
-- counted over the institution's open days: the base of the capacity, m², cost and children-per-adult
-- indicators. Enrollments are cut into pieces on which nothing changes (a row starts or ends, the child
-- turns young_child_age_years); each piece counts the open days it covers from a running count of open
-- days per institution, so no child x day rows are materialized. Rows of one child at one institution
-- that overlap count each day once, with the place of the row that started last (a change of place).
with

enrollments as (

    select * from {{ ref('int_daycare_leisure_enrollments') }}

),

open_days as (

    select * from {{ ref('int_daycare_open_days') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_type in ('half_year', 'school_year', 'calendar_year')

),

data_window as (

    -- from the earliest enrollment to the last open day the data reaches; dates outside hold no open
    -- day of an enrolled child, so the running count below needs only these
    select
        (select min(start_date) from enrollments) as first_date,
        (select max(open_date) from open_days) as last_date

),

all_dates as (

    {{ date_series(
        "'" ~ var('boernedata:first_year') ~ "-01-01'",
        "'" ~ var('boernedata:last_year') ~ "-12-31'",
    ) }}

),

calendar_dates as (

    select all_dates.calendar_date
    from all_dates
    inner join data_window
        on all_dates.calendar_date between data_window.first_date and data_window.last_date

),

institutions as (

    select distinct institution_id from open_days

),

institution_dates as (

    select
        institutions.institution_id,
        calendar_dates.calendar_date,
        case when open_days.open_date is null then 0 else 1 end as is_open_day
    from institutions
    cross join calendar_dates
    left join open_days
        on
            institutions.institution_id = open_days.institution_id
            and calendar_dates.calendar_date = open_days.open_date

),

open_day_counts as (

    select
        institution_id,
        calendar_date,
        sum(is_open_day) over (
            partition by institution_id
            order by calendar_date rows between unbounded preceding and current row
        ) - is_open_day as open_days_before,
        sum(is_open_day) over (
            partition by institution_id
            order by calendar_date rows between unbounded preceding and current row
        ) as open_days_through
    from institution_dates

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

),

piece_periods as (

    select
        weighted_pieces.child_key,
        weighted_pieces.institution_id,
        weighted_pieces.piece_start,
        weighted_pieces.place_factor,
        weighted_pieces.age_weight,
        periods.period_type,
        periods.period_id,
        greatest(weighted_pieces.piece_start, periods.period_start) as first_date,
        -- days after the data window hold no open days (and have no running count)
        least(
            coalesce(weighted_pieces.piece_end, periods.period_end), periods.period_end, data_window.last_date
        ) as last_date
    from weighted_pieces
    cross join data_window
    inner join periods
        on
            weighted_pieces.piece_start <= periods.period_end
            and (weighted_pieces.piece_end is null or weighted_pieces.piece_end >= periods.period_start)
    where
        weighted_pieces.piece_start <= data_window.last_date
        and periods.period_start <= data_window.last_date

),

piece_bounds as (

    -- each piece-period's first and last date as two rows, so the running count is joined once (two
    -- look-ups on the same institution let the planner pair every date with every other date)
    select
        child_key,
        institution_id,
        period_type,
        period_id,
        piece_start,
        place_factor,
        age_weight,
        first_date as bound_date,
        0 as is_last_date
    from piece_periods
    union all
    select
        child_key,
        institution_id,
        period_type,
        period_id,
        piece_start,
        place_factor,
        age_weight,
        last_date as bound_date,
        1 as is_last_date
    from piece_periods

),

piece_open_days as (

    select
        piece_bounds.child_key,
        piece_bounds.institution_id,
        piece_bounds.period_type,
        piece_bounds.period_id,
        piece_bounds.place_factor,
        piece_bounds.age_weight,
        -- open days in [first, last] = open_days_through(last) - open_days_before(first)
        sum(
            case
                when piece_bounds.is_last_date = 1 then open_day_counts.open_days_through
                else -open_day_counts.open_days_before
            end
        ) as open_days
    from piece_bounds
    inner join open_day_counts
        on
            piece_bounds.institution_id = open_day_counts.institution_id
            and piece_bounds.bound_date = open_day_counts.calendar_date
    group by
        piece_bounds.child_key,
        piece_bounds.institution_id,
        piece_bounds.period_type,
        piece_bounds.period_id,
        piece_bounds.piece_start,
        piece_bounds.place_factor,
        piece_bounds.age_weight

),

period_enrollment as (

    select
        institution_id,
        period_type,
        period_id,
        sum(open_days) as enrolled_child_days,
        sum(open_days * place_factor * age_weight) as weighted_child_days,
        sum(open_days * place_factor) as place_child_days,
        count(distinct case when open_days > 0 then child_key end) as distinct_children
    from piece_open_days
    group by institution_id, period_type, period_id

),

period_open_days as (

    select
        open_days.institution_id,
        periods.period_type,
        periods.period_id,
        count(*) as open_days
    from open_days
    inner join periods
        on open_days.open_date between periods.period_start and periods.period_end
    group by open_days.institution_id, periods.period_type, periods.period_id

)

-- Institution-periods with at least one child enrolled on an open day: periods before the enrollment
-- data begins are no data, not empty houses.
select
    period_open_days.institution_id,
    period_open_days.period_type,
    period_open_days.period_id,
    period_open_days.open_days,
    period_enrollment.enrolled_child_days,
    1.0 * period_enrollment.enrolled_child_days / period_open_days.open_days as mean_children,
    period_enrollment.weighted_child_days,
    period_enrollment.place_child_days,
    period_enrollment.distinct_children
from period_open_days
inner join period_enrollment
    on
        period_open_days.institution_id = period_enrollment.institution_id
        and period_open_days.period_id = period_enrollment.period_id
where period_enrollment.distinct_children > 0
