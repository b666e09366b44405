-- One row per reporting period: half-years (YYYY-H1/H2), school years (YYYY/YY, 1 Aug-31 Jul) and
-- calendar years (YYYY), with the previous period of the same type for previous_value.
with

years as (

    {{ integer_series(var('boernedata:first_year'), var('boernedata:last_year')) }}

),

halves as (

    select 1 as h
    union all
    select 2 as h

),

half_years as (

    select
        'half_year' as period_type,
        cast(years.n as string) || '-H' || cast(half.h as string) as period_id,
        case
            when half.h = 1 then {{ date_from_parts('years.n', 1, 1) }}
            else {{ date_from_parts('years.n', 7, 1) }}
        end as period_start,
        case
            when half.h = 1 then {{ date_from_parts('years.n', 6, 30) }}
            else {{ date_from_parts('years.n', 12, 31) }}
        end as period_end,
        case
            when half.h = 1 then cast(years.n - 1 as string) || '-H2'
            else cast(years.n as string) || '-H1'
        end as previous_period_id
    from years
    cross join halves as half

),

school_years as (

    select
        'school_year' as period_type,
        {{ school_year_id('years.n') }} as period_id,
        {{ date_from_parts('years.n', 8, 1) }} as period_start,
        {{ date_from_parts('years.n + 1', 7, 31) }} as period_end,
        {{ school_year_id('years.n - 1') }} as previous_period_id
    from years

),

calendar_years as (

    select
        'calendar_year' as period_type,
        cast(years.n as string) as period_id,
        {{ date_from_parts('years.n', 1, 1) }} as period_start,
        {{ date_from_parts('years.n', 12, 31) }} as period_end,
        cast(years.n - 1 as string) as previous_period_id
    from years

)

select * from half_years
union all
select * from school_years
union all
select * from calendar_years
