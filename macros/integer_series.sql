{#- A one-column relation `n` with the integers lo..hi. Set-generating functions differ per engine,
    so this is dispatched (docs/engines.md): DuckDB's range(), PostgreSQL's generate_series(), Spark's sequence(). -#}
{% macro integer_series(lo, hi) -%}
    {{ return(adapter.dispatch('integer_series', 'boernedata')(lo, hi)) }}
{%- endmacro %}

{% macro default__integer_series(lo, hi) -%}
    select unnest(range({{ lo }}, {{ hi }} + 1)) as n
{%- endmacro %}

{% macro postgres__integer_series(lo, hi) -%}
    select generate_series({{ lo }}, {{ hi }}) as n
{%- endmacro %}

{% macro spark__integer_series(lo, hi) -%}
    select explode(sequence({{ lo }}, {{ hi }})) as n
{%- endmacro %}

{#- Every date from start_date to end_date (inclusive) as `calendar_date`. -#}
{% macro date_series(start_date, end_date) -%}
    {{ return(adapter.dispatch('date_series', 'boernedata')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__date_series(start_date, end_date) -%}
    select cast(unnest(generate_series(cast({{ start_date }} as date), cast({{ end_date }} as date), interval '1 day')) as date) as calendar_date
{%- endmacro %}

{% macro postgres__date_series(start_date, end_date) -%}
    select cast(generate_series(cast({{ start_date }} as date), cast({{ end_date }} as date), interval '1 day') as date) as calendar_date
{%- endmacro %}

{% macro spark__date_series(start_date, end_date) -%}
    select explode(sequence(to_date({{ start_date }}), to_date({{ end_date }}), interval '1 day')) as calendar_date
{%- endmacro %}
