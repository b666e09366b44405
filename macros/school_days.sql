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
        -- bigint: DuckDB sums integers to a 128-bit HUGEINT (see running_day_count)
        cast(sum(last_day.school_days_through - first_day.school_days_before) as bigint) as school_days
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

{#- A running count of counted days over a date spine, so the counted days in any interval [a, b] are
    `<count_name>_through(b) - <count_name>_before(a)`: two equality look-ups instead of one row per
    person and day. `relation` has calendar_date, the 0/1 column `day_flag` and, when given, the
    `partition_by` column (a count per institution). Used for school days (int_school_calendar_days) and
    daycare open days (int_daycare_open_day_counts). -#}
{% macro running_day_count(relation, day_flag, count_name, partition_by=none) -%}
    {%- set window -%}
        over (
            {% if partition_by %}partition by {{ partition_by }}{% endif %}
            order by calendar_date rows between unbounded preceding and current row
        )
    {%- endset -%}
    select
        {%- if partition_by %}
        {{ partition_by }},
        {%- endif %}
        calendar_date,
        {{ day_flag }} = 1 as {{ day_flag }},
        {{ count_name }}_through - {{ day_flag }} as {{ count_name }}_before,
        {{ count_name }}_through
    from (
        select
            *,
            -- bigint, as PostgreSQL and Spark sum: DuckDB sums integers to a 128-bit HUGEINT, which its
            -- scans and arithmetic handle several times slower (the pupils' absence chain, ~1 M rows a
            -- table at Copenhagen's scale, read it in every absence indicator)
            cast(sum({{ day_flag }}) {{ window }} as bigint) as {{ count_name }}_through
        from {{ relation }}
    ) as counted
{%- endmacro %}
