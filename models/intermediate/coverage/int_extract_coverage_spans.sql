-- What the landed deliveries of each extract cover: one row per (source_extract, covers_from) span of
-- days. It follows from the file name and the extract's kind (seed source_extract_coverage): a month file
-- covers its month; a yearly file its calendar year; a school-year file 1 August - 31 July; the wellbeing
-- survey of spring YYYY its school year (YYYY-1)/YY; the latest full snapshot every day up to its date.
-- Yearly, school-year and snapshot files are trusted only inside the data window (int_data_window: the
-- span of the monthly deliveries), because a file for a year says nothing about whether the year was over,
-- or its data complete, when it was exported.
with

delivered as (

    select * from {{ ref('stg_landing__delivered_periods') }}

),

kinds as (

    select * from {{ ref('source_extract_coverage') }}

),

data_window as (

    select * from {{ ref('int_data_window') }}

),

spans as (

    select
        delivered.source_extract,
        kinds.coverage,
        case kinds.coverage
            when 'month' then cast(delivered.period_token || '-01' as date)
            when 'calendar_year' then cast(delivered.period_token || '-01-01' as date)
            when 'school_year' then cast(left(delivered.period_token, 4) || '-08-01' as date)
            when 'school_year_ending'
                then {{ date_from_parts('cast(delivered.period_token as integer) - 1', 8, 1) }}
        end as covers_from,
        case kinds.coverage
            when 'month'
                then
                    cast(
                        cast(delivered.period_token || '-01' as date)
                        + interval '1 month'
                        - interval '1 day' as date
                    )
            when 'calendar_year' then cast(delivered.period_token || '-12-31' as date)
            when
                'school_year'
                then {{ date_from_parts('cast(left(delivered.period_token, 4) as integer) + 1', 7, 31) }}
            when 'school_year_ending' then cast(delivered.period_token || '-07-31' as date)
            when 'snapshot' then cast(delivered.period_token as date)
        end as covers_to
    from delivered
    inner join kinds
        on delivered.source_extract = kinds.source_extract

),

-- Only the latest snapshot is the truth; it covers every day up to its date.
latest_spans as (

    select
        source_extract,
        coverage,
        covers_from,
        covers_to
    from spans
    where coverage != 'snapshot'
    union all
    select
        source_extract,
        coverage,
        cast(null as date) as covers_from,
        max(covers_to) as covers_to
    from spans
    where coverage = 'snapshot'
    group by source_extract, coverage

),

clipped as (

    select
        latest_spans.source_extract,
        case
            when latest_spans.coverage = 'month' then latest_spans.covers_from
            when latest_spans.covers_from is null then data_window.window_start
            else greatest(latest_spans.covers_from, data_window.window_start)
        end as covers_from,
        case
            when latest_spans.coverage = 'month' then latest_spans.covers_to
            else least(latest_spans.covers_to, data_window.window_end)
        end as covers_to
    from latest_spans
    cross join data_window

)

select
    source_extract,
    covers_from,
    covers_to
from clipped
where covers_from <= covers_to
