{#- Net cost per enrolled child or pupil in a calendar year (dt_net_cost_per_child,
    sk_net_cost_per_pupil): the year's net actual cost (int_finance_institution_years, internal postings
    excluded) over the mean number enrolled over the days that count (open days, school days), i.e.
    person_days / counted_days. n = the distinct persons enrolled at least one such day.
    finance: a relation with institution_id, period_id, net_actual_dkk (one sector);
    enrolled: a relation with institution_id, period_id, person_days, counted_days, persons. -#}
{% macro net_cost_per_enrolled(indicator_code, finance, enrolled) -%}
    select
        {{ finance }}.institution_id,
        '{{ indicator_code }}' as indicator_code,
        'calendar_year' as period_type,
        {{ finance }}.period_id,
        {{ finance }}.net_actual_dkk as numerator,
        cast({{ enrolled }}.person_days as double) / {{ enrolled }}.counted_days as denominator,
        {{ enrolled }}.persons as n
    from {{ finance }}
    inner join {{ enrolled }}
        on
            {{ finance }}.institution_id = {{ enrolled }}.institution_id
            and {{ finance }}.period_id = {{ enrolled }}.period_id
{%- endmacro %}
