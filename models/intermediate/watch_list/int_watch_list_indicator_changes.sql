-- The watch list's evidence: one row per (evaluated_period_id, institution_id, indicator_code) for each
-- published half-year and each indicator of seed_watch_list_indicators the institution has a published
-- value for in the latest period of the window. The window is the evaluated half-year and the two before
-- it (the last three half-years); the own past is the periods that ended before the window began. The
-- change is set against the change of the institution's peers (same benchmark group, whole
-- municipality) in robust units. Only published, non-withheld figures enter (docs/watch_list.md).
with

published as (

    select * from {{ ref('int_institution_indicators_disclosed') }}
    where not is_suppressed and value is not null

),

watched as (

    select
        watch.indicator_code,
        watch.watch_domain,
        watch.period_type,
        watch.weight,
        watch.min_change,
        watch.decimals,
        watch.change_unit_da,
        catalogue.name_da as indicator_name_da,
        catalogue.unit,
        -- the seed decides where the catalogue has no direction (budget deviation: overspending is
        -- what a handleplan is about)
        coalesce(watch.worse_when_higher, not catalogue.higher_is_better) as worse_when_higher
    from {{ ref('seed_watch_list_indicators') }} as watch
    inner join {{ ref('seed_indicator_catalogue') }} as catalogue
        on watch.indicator_code = catalogue.indicator_code

),

evaluated_half_years as (

    select distinct
        period_id as evaluated_period_id,
        period_end as evaluated_period_end,
        -- the window: this half-year and the two before it
        cast(period_start - interval '1 year' as date) as window_start
    from {{ ref('int_institution_indicators_disclosed') }}
    where period_type = 'half_year'

),

watched_values as (

    select
        published.*,
        watched.watch_domain,
        watched.weight,
        watched.min_change,
        watched.decimals,
        watched.change_unit_da,
        watched.indicator_name_da,
        watched.unit,
        watched.worse_when_higher
    from published
    inner join watched
        on
            published.indicator_code = watched.indicator_code
            and published.period_type = watched.period_type
    where watched.worse_when_higher is not null

),

-- The indicator's latest period in the window as of the half-year: that half-year (or the one before
-- when it has no value yet), the school year ended by then (as the data packages show it) or the
-- calendar year ended by then. Chosen over all institutions, so a withheld cell is never replaced by an
-- older one.
recent_periods as (

    select
        evaluated.evaluated_period_id,
        evaluated.window_start,
        watched_values.indicator_code,
        max(watched_values.period_end) as recent_period_end
    from evaluated_half_years as evaluated
    inner join watched_values
        on
            evaluated.window_start <= watched_values.period_end
            and evaluated.evaluated_period_end
            + case
                when watched_values.period_type = 'school_year'
                    then {{ var('boernedata:watch_list_school_year_grace_days') }}
                else 0
            end >= watched_values.period_end
    group by evaluated.evaluated_period_id, evaluated.window_start, watched_values.indicator_code

),

recent as (

    select
        recent_periods.evaluated_period_id,
        recent_periods.window_start,
        watched_values.institution_id,
        watched_values.sector,
        watched_values.benchmark_group,
        watched_values.indicator_code,
        watched_values.watch_domain,
        watched_values.indicator_name_da,
        watched_values.unit,
        watched_values.weight,
        watched_values.min_change,
        watched_values.decimals,
        watched_values.change_unit_da,
        watched_values.worse_when_higher,
        watched_values.period_type,
        watched_values.period_id as recent_period_id,
        watched_values.value as recent_value
    from recent_periods
    inner join watched_values
        on
            recent_periods.indicator_code = watched_values.indicator_code
            and recent_periods.recent_period_end = watched_values.period_end

),

-- The own past: published values of the periods that ended before the window, at most
-- boernedata:watch_list_baseline_years back.
baseline as (

    select
        recent.evaluated_period_id,
        recent.institution_id,
        recent.indicator_code,
        {{ exact_avg('past.value') }} as baseline_value,
        count(*) as baseline_periods,
        min(past.period_id) as baseline_first_period_id,
        max(past.period_id) as baseline_last_period_id
    from recent
    inner join watched_values as past
        on
            recent.institution_id = past.institution_id
            and recent.indicator_code = past.indicator_code
            and recent.window_start > past.period_end
            and past.period_end
            >= cast(
                {{ dbt.dateadd('year', -var('boernedata:watch_list_baseline_years'), 'recent.window_start') }}
                as date
            )
    group by recent.evaluated_period_id, recent.institution_id, recent.indicator_code

),

changes as (

    select
        recent.*,
        baseline.baseline_value,
        coalesce(baseline.baseline_periods, 0) as baseline_periods,
        baseline.baseline_first_period_id,
        baseline.baseline_last_period_id,
        case when recent.worse_when_higher then 1 else -1 end as worse_sign,
        case
            when baseline.baseline_periods >= {{ var('boernedata:watch_list_min_baseline_periods') }}
                then recent.recent_value - baseline.baseline_value
        end as own_change
    from recent
    left join baseline
        on
            recent.evaluated_period_id = baseline.evaluated_period_id
            and recent.institution_id = baseline.institution_id
            and recent.indicator_code = baseline.indicator_code

),

peer_medians as (

    select
        evaluated_period_id,
        indicator_code,
        benchmark_group,
        count(own_change) as peer_institutions,
        {{ median_of('own_change') }} as peer_median_change
    from changes
    group by evaluated_period_id, indicator_code, benchmark_group

),

-- Robust spread of the peers' changes: 1.4826 x the median absolute deviation estimates the standard
-- deviation without letting the deteriorating institutions themselves inflate it.
peer_spreads as (

    select
        changes.evaluated_period_id,
        changes.indicator_code,
        changes.benchmark_group,
        1.4826 * {{ median_of('abs(changes.own_change - peer_medians.peer_median_change)') }} as peer_spread
    from changes
    inner join peer_medians
        on
            changes.evaluated_period_id = peer_medians.evaluated_period_id
            and changes.indicator_code = peer_medians.indicator_code
            and changes.benchmark_group = peer_medians.benchmark_group
    group by changes.evaluated_period_id, changes.indicator_code, changes.benchmark_group

),

scored as (

    select
        changes.*,
        peer_medians.peer_institutions,
        case
            when peer_medians.peer_institutions >= {{ var('boernedata:watch_list_min_peers') }}
                then peer_medians.peer_median_change
        end as peer_median_change,
        case
            when peer_medians.peer_institutions >= {{ var('boernedata:watch_list_min_peers') }}
                then peer_spreads.peer_spread
        end as peer_spread
    from changes
    left join peer_medians
        on
            changes.evaluated_period_id = peer_medians.evaluated_period_id
            and changes.indicator_code = peer_medians.indicator_code
            and changes.benchmark_group = peer_medians.benchmark_group
    left join peer_spreads
        on
            changes.evaluated_period_id = peer_spreads.evaluated_period_id
            and changes.indicator_code = peer_spreads.indicator_code
            and changes.benchmark_group = peer_spreads.benchmark_group

),

judged as (

    select
        *,
        worse_sign * own_change as worse_own_change,
        worse_sign * (own_change - peer_median_change) as worse_relative_change,
        -- a spread below the smallest material change would turn noise into large scores
        worse_sign * (own_change - peer_median_change) / greatest(peer_spread, min_change) as z_score
    from scored

),

flagged as (

    select
        *,
        coalesce(
            worse_own_change >= min_change
            and worse_relative_change >= min_change
            and z_score >= {{ var('boernedata:watch_list_min_z') }},
            false
        ) as is_worsening,
        -- half-years as consecutive integers, for the runs below
        cast(left(evaluated_period_id, 4) as integer) * 2
        + cast(right(evaluated_period_id, 1) as integer) as half_year_index
    from judged

),

runs as (

    select
        *,
        half_year_index - row_number() over (
            partition by institution_id, indicator_code, is_worsening order by half_year_index
        ) as run_id
    from flagged

),

final as (

    select
        evaluated_period_id,
        institution_id,
        sector,
        benchmark_group,
        indicator_code,
        watch_domain,
        indicator_name_da,
        unit,
        weight,
        min_change,
        decimals,
        change_unit_da,
        worse_when_higher,
        period_type,
        recent_period_id,
        recent_value,
        baseline_value,
        baseline_periods,
        baseline_first_period_id,
        baseline_last_period_id,
        own_change,
        peer_institutions,
        peer_median_change,
        peer_spread,
        worse_own_change,
        worse_relative_change,
        z_score,
        is_worsening,
        case
            when is_worsening
                then min(evaluated_period_id) over (
                    partition by institution_id, indicator_code, is_worsening, run_id
                )
        end as worsening_since_period_id
    from runs

)

select * from final
