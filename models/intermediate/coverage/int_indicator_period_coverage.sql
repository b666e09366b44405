-- Whole periods only (docs/publication_rules.md): one row per (indicator_code, period_id) with values,
-- saying whether the landed data cover every day the indicator counts in the period. A day is counted
-- when it lies in the period and - for indicators the catalogue marks `counted_days = school_days` - is
-- a school day of the school calendar. The period is whole when
--   1. every counted day lies in the data window (the monthly deliveries' span), and
--   2. every source extract of the indicator that has delivered anything covers every counted day
--      (an extract that never delivered is not in use here, e.g. Aula Komme/gå where KBH Barn is used), and
--   3. for school-day indicators, the school calendar covers the period's days outside the months that
--      never hold school days (July), so "no school day" is known, not just undelivered.
-- So with data from August 2024 to June 2026, daycare's 2024-H2 is not whole (July 2024 is missing) but
-- school absence for 2024-H2 is (July has no school days), and calendar years 2024 and 2026 are not.
-- `uncovered` names what is missing, for the analyst who wonders why a period is not published.
{%- set months_without_school_days = var('boernedata:months_without_school_days') %}
with

catalogue as (

    select * from {{ ref('seed_indicator_catalogue') }}

),

kinds as (

    select * from {{ ref('source_extract_coverage') }}

),

coverage_spans as (

    select * from {{ ref('int_extract_coverage_spans') }}

),

data_window as (

    select * from {{ ref('int_data_window') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

school_days as (

    select distinct school_date from {{ ref('stg_skoleadm__school_days') }}

),

indicator_periods as (

    select distinct
        indicator_values.indicator_code,
        indicator_values.period_type,
        indicator_values.period_id,
        periods.period_start,
        periods.period_end,
        catalogue.counted_days
    from {{ ref('int_indicator_values') }} as indicator_values
    inner join periods
        on
            indicator_values.period_type = periods.period_type
            and indicator_values.period_id = periods.period_id
    inner join catalogue
        on indicator_values.indicator_code = catalogue.indicator_code

),

calendar_dates as (

    {{ date_series(
        "'" ~ var('boernedata:first_year') ~ "-01-01'",
        "'" ~ var('boernedata:last_year') ~ "-12-31'",
    ) }}

),

period_days as (

    select
        indicator_periods.indicator_code,
        indicator_periods.period_id,
        indicator_periods.counted_days,
        calendar_dates.calendar_date,
        school_days.school_date is not null as is_school_day
    from indicator_periods
    inner join calendar_dates
        on
            indicator_periods.period_start <= calendar_dates.calendar_date
            and indicator_periods.period_end >= calendar_dates.calendar_date
    left join school_days
        on calendar_dates.calendar_date = school_days.school_date

),

counted_days as (

    select
        indicator_code,
        period_id,
        calendar_date
    from period_days
    where counted_days = 'calendar_days' or is_school_day

),

-- The catalogue's source extracts, one row each (source_extracts is a comma-separated list).
indicator_sources as (

    {% for position in range(1, 9) %}
        select
            indicator_code,
            trim(split_part(source_extracts, ',', {{ position }})) as source_extract
        from catalogue
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

delivered_extracts as (

    select distinct source_extract from {{ ref('stg_landing__delivered_periods') }}

),

-- Every (indicator, period, extract, day) that must be covered.
required as (

    select
        counted_days.indicator_code,
        counted_days.period_id,
        indicator_sources.source_extract,
        counted_days.calendar_date
    from counted_days
    inner join indicator_sources
        on counted_days.indicator_code = indicator_sources.indicator_code
    inner join delivered_extracts
        on indicator_sources.source_extract = delivered_extracts.source_extract

    union all

    -- Rule 3: the school calendar must be known for the period (bar July) before "no school day" counts.
    select
        period_days.indicator_code,
        period_days.period_id,
        kinds.source_extract,
        period_days.calendar_date
    from period_days
    cross join kinds
    where
        period_days.counted_days = 'school_days'
        and kinds.defines_school_days
        and extract(month from period_days.calendar_date) not in (
            {{ months_without_school_days | join(', ') }}
        )

),

uncovered as (

    select
        required.indicator_code,
        required.period_id,
        required.source_extract,
        required.calendar_date
    from required
    where
        not exists (
            select 1
            from coverage_spans
            where
                coverage_spans.source_extract = required.source_extract
                and required.calendar_date between coverage_spans.covers_from and coverage_spans.covers_to
        )

    union all

    -- Rule 1: the data window.
    select
        counted_days.indicator_code,
        counted_days.period_id,
        'the data window' as source_extract,
        counted_days.calendar_date
    from counted_days
    cross join data_window
    where
        data_window.window_start is null
        or counted_days.calendar_date < data_window.window_start
        or counted_days.calendar_date > data_window.window_end

),

uncovered_per_extract as (

    select
        indicator_code,
        period_id,
        source_extract
        || ': '
        || cast(count(*) as string)
        || ' days from '
        || cast(min(calendar_date) as string)
            as uncovered_text
    from uncovered
    group by indicator_code, period_id, source_extract

),

uncovered_per_period as (

    select
        indicator_code,
        period_id,
        {{ ordered_string_agg('uncovered_text', "'; '", 'uncovered_text') }} as uncovered
    from uncovered_per_extract
    group by indicator_code, period_id

)

select
    indicator_periods.indicator_code,
    indicator_periods.period_type,
    indicator_periods.period_id,
    uncovered_per_period.uncovered is null as is_whole_period,
    uncovered_per_period.uncovered
from indicator_periods
left join uncovered_per_period
    on
        indicator_periods.indicator_code = uncovered_per_period.indicator_code
        and indicator_periods.period_id = uncovered_per_period.period_id
