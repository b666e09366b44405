{#- '2025/26' for the school year starting in August of the given year expression. -#}
{% macro school_year_id(start_year) -%}
    cast({{ start_year }} as string) || '/' || right('0' || cast(({{ start_year }} + 1) % 100 as string), 2)
{%- endmacro %}

{#- The school year id ('2025/26') a date expression falls in (school years run 1 Aug - 31 Jul). -#}
{% macro school_year_of(date_expr) -%}
    {{ school_year_id('(extract(year from ' ~ date_expr ~ ') - case when extract(month from ' ~ date_expr ~ ') < 8 then 1 else 0 end)') }}
{%- endmacro %}

{#- The half-year id ('2025-H1') a date expression falls in. -#}
{% macro half_year_of(date_expr) -%}
    {{ half_year_id(half_year_year_of(date_expr), half_year_half_of(date_expr)) }}
{%- endmacro %}

{#- A half-year as two integers, year and half (1 or 2): cheaper than the id string to carry through a join
    and a grouping of tens of millions of rows; half_year_id makes the id once the rows are few. -#}
{% macro half_year_year_of(date_expr) -%}
    extract(year from {{ date_expr }})
{%- endmacro %}

{% macro half_year_half_of(date_expr) -%}
    case when extract(month from {{ date_expr }}) <= 6 then 1 else 2 end
{%- endmacro %}

{% macro half_year_id(year_expr, half_expr) -%}
    (cast({{ year_expr }} as string) || case when {{ half_expr }} = 1 then '-H1' else '-H2' end)
{%- endmacro %}

{#- A date from integer year, month and day expressions (dispatched: docs/engines.md). -#}
{% macro date_from_parts(year, month, day) -%}
    {{ return(adapter.dispatch('date_from_parts', 'boernedata')(year, month, day)) }}
{%- endmacro %}

{% macro default__date_from_parts(year, month, day) -%}
    make_date(cast({{ year }} as integer), {{ month }}, {{ day }})
{%- endmacro %}

{#- PostgreSQL's make_date takes integers only (its extract() returns numeric). -#}
{% macro postgres__date_from_parts(year, month, day) -%}
    make_date(cast({{ year }} as integer), cast({{ month }} as integer), cast({{ day }} as integer))
{%- endmacro %}

{#- ISO day of the week of a date expression: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_day_of_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'boernedata')(date_expr)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expr) -%}
    isodow({{ date_expr }})
{%- endmacro %}

{% macro postgres__iso_day_of_week(date_expr) -%}
    cast(extract(isodow from {{ date_expr }}) as integer)
{%- endmacro %}

{% macro spark__iso_day_of_week(date_expr) -%}
    (pmod(dayofweek({{ date_expr }}) + 5, 7) + 1)
{%- endmacro %}

{#- Completed months of age on a day: a child born 15 March is 11 months old on 14 March next year and
    12 on 15 March (born 31 Jan: 1 month on 28/29 Feb is not yet complete). Works on Spark too. -#}
{% macro age_in_completed_months(birth_date, on_date) -%}
    (
        (extract(year from {{ on_date }}) - extract(year from {{ birth_date }})) * 12
        + extract(month from {{ on_date }}) - extract(month from {{ birth_date }})
        - case when extract(day from {{ on_date }}) < extract(day from {{ birth_date }}) then 1 else 0 end
    )
{%- endmacro %}

{#- The Danish label of a period, as readers see it: '1. halvår 2026', 'Skoleåret 2025/26', 'Kalenderåret 2025'. -#}
{% macro period_label_da(period_type, period_id) -%}
    case {{ period_type }}
        when 'half_year' then right({{ period_id }}, 1) || '. halvår ' || left({{ period_id }}, 4)
        when 'school_year' then 'Skoleåret ' || {{ period_id }}
        when 'calendar_year' then 'Kalenderåret ' || {{ period_id }}
    end
{%- endmacro %}

{#- The windows (periods, quarters, ...) each distinct date of `relation`.`date_column` lies in: one row per
    date and window, with the date and the `window_keys` columns of `windows` (inclusive `start_col` and
    `end_col`). The range join is of the few distinct dates; a large table then meets the result on an
    equality (hash) join on the date, which is much cheaper than range-joining every row with the windows
    (docs/benchmarks.md, twelfth session). -#}
{% macro dates_in_windows(relation, date_column, windows, window_keys, start_col, end_col) -%}
    select
        dates.{{ date_column }},
        {%- for key in window_keys %}
        {{ windows }}.{{ key }}{{ "," if not loop.last }}
        {%- endfor %}
    from (select distinct {{ date_column }} from {{ relation }}) as dates
    inner join {{ windows }}
        on dates.{{ date_column }} between {{ windows }}.{{ start_col }} and {{ windows }}.{{ end_col }}
{%- endmacro %}
