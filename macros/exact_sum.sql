{#- The sum of a double expression, the same whatever order the engine adds the terms in: each term is
    rounded to `boernedata:sum_decimals` decimals and the terms are summed as an exact DECIMAL. A plain
    double sum depends on how parallel threads split the rows, so two builds of the same data would
    publish values that differ in their last bits (docs/publication_rules.md, "Reproducible numbers").
    Integer sums are exact already and need no macro. -#}
{% macro exact_sum(expr) -%}
    {{ return(adapter.dispatch('exact_sum', 'boernedata')(expr)) }}
{%- endmacro %}

{% macro default__exact_sum(expr) -%}
    cast(sum(cast({{ expr }} as decimal(38, {{ var('boernedata:sum_decimals') }}))) as double)
{%- endmacro %}

{#- PostgreSQL: its own cast of a double to numeric keeps 15 digits; duckdb_decimal and duckdb_double
    (macros/engines.sql) round each term and the sum exactly as DuckDB does, so both engines publish the
    same values, to the last bit. -#}
{% macro postgres__exact_sum(expr) -%}
    public.duckdb_double(
        sum(public.duckdb_decimal(cast({{ expr }} as double precision), {{ var('boernedata:sum_decimals') }})),
        {{ var('boernedata:sum_decimals') }}
    )
{%- endmacro %}

{#- The mean of a double expression from its exact sum (see exact_sum); NULLs are left out, as avg() does. -#}
{% macro exact_avg(expr) -%}
    ({{ exact_sum(expr) }} / count({{ expr }}))
{%- endmacro %}
