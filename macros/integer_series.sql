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
    select {{ dates_of_range(start_date, end_date) }} as calendar_date
{%- endmacro %}

{#- A select-list expression with one row per date from start_date to end_date (inclusive) of each input
    row, the other columns repeated: a range expanded in one pass, linear in the dates it makes (a join of
    ranges to a series of day offsets is a nested loop over every pair). No row when start_date is after
    end_date on DuckDB and PostgreSQL; Spark's sequence() fails then, so callers keep such ranges out. -#}
{% macro dates_of_range(start_date, end_date) -%}
    {{ return(adapter.dispatch('dates_of_range', 'boernedata')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__dates_of_range(start_date, end_date) -%}
    cast(unnest(generate_series(cast({{ start_date }} as date), cast({{ end_date }} as date), interval '1 day')) as date)
{%- endmacro %}

{% macro postgres__dates_of_range(start_date, end_date) -%}
    cast(generate_series(cast({{ start_date }} as date), cast({{ end_date }} as date), interval '1 day') as date)
{%- endmacro %}

{% macro spark__dates_of_range(start_date, end_date) -%}
    explode(sequence(to_date({{ start_date }}), to_date({{ end_date }}), interval '1 day'))
{%- endmacro %}
