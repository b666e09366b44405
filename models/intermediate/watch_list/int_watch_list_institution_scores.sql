-- One row per (evaluated_period_id, institution_id) with at least one watched indicator evaluated: how
-- many of the watched domains (absence or attendance, staff sickness, wellbeing, budget deviation,
-- observations) worsen together, the watch score, whether the institution is on the watch list and since
-- when, and the reasons in Danish. A domain counts once, by its most worsened indicator (the wellbeing
-- measures move together and must not count as several).
with

changes as (

    select * from {{ ref('int_watch_list_indicator_changes') }}

),

domain_evidence as (

    select
        *,
        row_number() over (
            partition by evaluated_period_id, institution_id, watch_domain
            order by z_score desc, indicator_code asc
        ) as rank_in_domain
    from changes
    where is_worsening

),

domain_winners as (

    select
        *,
        case when unit = '%' then ' %' else ' ' || change_unit_da end as value_suffix
    from domain_evidence
    where rank_in_domain = 1

),

reasons as (

    select
        *,
        least(z_score, {{ var('boernedata:watch_list_z_cap') }}) * weight as domain_score,
        indicator_name_da
        || case when own_change > 0 then ' steget fra ' else ' faldet fra ' end
        || {{ watch_list_number('baseline_value', 'decimals') }} || value_suffix
        || ' til ' || {{ watch_list_number('recent_value', 'decimals') }} || value_suffix
        || ' (' || recent_period_id || ' mod '
        || case
            when baseline_first_period_id = baseline_last_period_id then baseline_first_period_id
            else 'gennemsnittet af ' || baseline_first_period_id || '–' || baseline_last_period_id
        end
        || '), ' || {{ watch_list_number('worse_relative_change', 'decimals') }}
        || ' ' || change_unit_da || ' mere end hos sammenlignelige institutioner; '
        || 'i tilbagegang siden ' || worsening_since_period_id as reason_da
    from domain_winners

),

institution_periods as (

    select
        evaluated_period_id,
        institution_id,
        {{ dbt.any_value('sector') }} as sector,
        -- domains with a comparison (a latest value, an own past and peers)
        count(distinct case when z_score is not null then watch_domain end) as domains_evaluated
    from changes
    group by evaluated_period_id, institution_id

),

domain_totals as (

    select
        evaluated_period_id,
        institution_id,
        count(*) as indicators_worsening,
        {{ round_double(exact_sum('domain_score'), 2) }} as watch_score,
        {{ ordered_string_agg('reason_da', "'. '", 'domain_score desc, watch_domain asc') }}
        || '.' as reasons_da
    from reasons
    group by evaluated_period_id, institution_id

),

scored as (

    select
        institution_periods.evaluated_period_id,
        institution_periods.institution_id,
        institution_periods.sector,
        institution_periods.domains_evaluated,
        coalesce(domain_totals.indicators_worsening, 0) as indicators_worsening,
        coalesce(domain_totals.watch_score, 0) as watch_score,
        coalesce(domain_totals.indicators_worsening, 0)
        >= {{ var('boernedata:watch_list_min_indicators') }} as is_flagged,
        domain_totals.reasons_da,
        cast(left(institution_periods.evaluated_period_id, 4) as integer) * 2
        + cast(right(institution_periods.evaluated_period_id, 1) as integer) as half_year_index
    from institution_periods
    left join domain_totals
        on
            institution_periods.evaluated_period_id = domain_totals.evaluated_period_id
            and institution_periods.institution_id = domain_totals.institution_id

),

runs as (

    select
        *,
        half_year_index - row_number() over (
            partition by institution_id, is_flagged order by half_year_index
        ) as run_id
    from scored

),

final as (

    select
        evaluated_period_id,
        institution_id,
        sector,
        domains_evaluated,
        indicators_worsening,
        watch_score,
        is_flagged,
        reasons_da,
        case
            when is_flagged
                then min(evaluated_period_id) over (partition by institution_id, is_flagged, run_id)
        end as first_flagged_period
    from runs

)

select * from final
