-- Calendar quarters cut to school years, for the 15 % rule ("in at least one calendar quarter of the
-- year"). July belongs to the school year that ends, August-September to the one that begins, so Q3 is
-- split: each piece counts only the school days of its own school year (a July piece has none in a
-- normal calendar and is then skipped by the minimum-days rule).
with

periods as (

    select * from {{ ref('int_periods') }}

),

school_years as (

    select
        period_id as school_year,
        period_start,
        period_end
    from periods
    where period_type = 'school_year'

),

calendar_years as (

    select
        cast(period_id as integer) as calendar_year,
        period_start
    from periods
    where period_type = 'calendar_year'

),

quarter_numbers as (

    {{ integer_series(1, 4) }}

),

quarter_starts as (

    select
        cast(years.calendar_year as string) || '-Q' || cast(numbers.n as string) as quarter_id,
        {{ dbt.dateadd('month', '3 * (numbers.n - 1)', 'years.period_start') }} as quarter_start,
        {{ dbt.dateadd('month', '3 * numbers.n', 'years.period_start') }} as next_quarter_start
    from calendar_years as years
    cross join quarter_numbers as numbers

),

quarters as (

    select
        quarter_id,
        cast(quarter_start as date) as quarter_start,
        cast({{ dbt.dateadd('day', -1, 'next_quarter_start') }} as date) as quarter_end
    from quarter_starts

)

select
    school_years.school_year,
    quarters.quarter_id,
    cast(greatest(quarters.quarter_start, school_years.period_start) as date) as quarter_start,
    cast(least(quarters.quarter_end, school_years.period_end) as date) as quarter_end
from school_years
inner join quarters
    on
        school_years.period_end >= quarters.quarter_start
        and school_years.period_start <= quarters.quarter_end
