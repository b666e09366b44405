{#- Per pupil, school and window (a reporting period, a calendar quarter, ...): the school days the
    pupil was enrolled at the school within the window, summed over the pupil's enrollment spells. Each
    spell is cut to the window and its school days are read off the running calendar count
    (int_school_calendar_days: days through the last date - days before the first date), so no pupil x
    day rows are made. `windows` has the columns in `window_keys` and `start_col`/`end_col` (inclusive). -#}
{% macro school_days_enrolled(spells, calendar_days, windows, window_keys, start_col, end_col) -%}
    {%- set keys = window_keys | join(', ') -%}
    select
        child_key,
        school_id,
        {{ keys }},
        sum(last_day.school_days_through - first_day.school_days_before) as school_days
    from (
        select
            {{ spells }}.child_key,
            {{ spells }}.school_id,
            {%- for key in window_keys %}
            {{ windows }}.{{ key }},
            {%- endfor %}
            greatest({{ spells }}.start_date, {{ windows }}.{{ start_col }}) as first_date,
            least(coalesce({{ spells }}.end_date, {{ windows }}.{{ end_col }}), {{ windows }}.{{ end_col }})
                as last_date
        from {{ spells }}
        inner join {{ windows }}
            on
                {{ spells }}.start_date <= {{ windows }}.{{ end_col }}
                and ({{ spells }}.end_date is null or {{ spells }}.end_date >= {{ windows }}.{{ start_col }})
    ) as spell_windows
    inner join {{ calendar_days }} as first_day
        on spell_windows.first_date = first_day.calendar_date
    inner join {{ calendar_days }} as last_day
        on spell_windows.last_date = last_day.calendar_date
    group by child_key, school_id, {{ keys }}
{%- endmacro %}
