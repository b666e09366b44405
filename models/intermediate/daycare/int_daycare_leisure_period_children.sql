-- Enrolled children per daycare/leisure institution and period (half-year, school year, calendar year),
-- counted over the institution's open days: the base of the capacity, m², cost and children-per-adult
-- indicators. Each enrollment piece (int_daycare_leisure_enrollment_pieces: nothing changes on it) is cut
-- to the period and counts its open days from the running count (int_daycare_open_day_counts), so no
-- child x day rows are materialized.
with

weighted_pieces as (

    select * from {{ ref('int_daycare_leisure_enrollment_pieces') }}

),

open_days as (

    select * from {{ ref('int_daycare_open_days') }}

),

open_day_counts as (

    select * from {{ ref('int_daycare_open_day_counts') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_type in ('half_year', 'school_year', 'calendar_year')

),

data_window as (

    select max(open_date) as last_date from open_days

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
        {{ exact_sum('open_days * place_factor * age_weight') }} as weighted_child_days,
        {{ exact_sum('open_days * place_factor') }} as place_child_days,
        count(distinct case when open_days > 0 then child_key end) as distinct_children
    from piece_open_days
    group by institution_id, period_type, period_id

),

-- the periods each open date lies in, for an equality join with the institutions' open days
date_periods as (

    {{ dates_in_windows(
        'open_days', 'open_date', 'periods', ['period_type', 'period_id'], 'period_start', 'period_end'
    ) }}

),

period_open_days as (

    select
        open_days.institution_id,
        date_periods.period_type,
        date_periods.period_id,
        count(*) as open_days
    from open_days
    inner join date_periods
        on open_days.open_date = date_periods.open_date
    group by open_days.institution_id, date_periods.period_type, date_periods.period_id

)

-- Institution-periods with at least one child enrolled on an open day: periods before the enrollment
-- data begins are no data, not empty houses.
select
    period_open_days.institution_id,
    period_open_days.period_type,
    period_open_days.period_id,
    period_open_days.open_days,
    period_enrollment.enrolled_child_days,
    cast(period_enrollment.enrolled_child_days as double) / period_open_days.open_days as mean_children,
    period_enrollment.weighted_child_days,
    period_enrollment.place_child_days,
    period_enrollment.distinct_children
from period_open_days
inner join period_enrollment
    on
        period_open_days.institution_id = period_enrollment.institution_id
        and period_open_days.period_id = period_enrollment.period_id
where period_enrollment.distinct_children > 0
