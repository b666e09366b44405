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

{#- Spark: its cast of a double to a decimal goes through the double's shortest decimal text, and a
    decimal back to a double is correctly rounded, so the last bits differ from DuckDB's. The same steps
    as DuckDB 1.5 (and postgres__exact_sum), inline: x * 10^scale in doubles, rounded half away from zero
    (already integral from 2^52); that integral double exactly as a decimal(38, 0) from its two halves
    around 2^32 (exact for |x| < 3.9e10 at 18 decimals); the sum; back to a double as
    double(n div 10^scale) + double(n mod 10^scale) / 10^scale when |n| > 2^53, each 64-bit part converted
    as DuckDB's Hugeint::TryCast does (a negative one as -double(-n - 1) - 1). -#}
{% macro spark__exact_sum(expr) -%}
    {%- set digits = var('boernedata:sum_decimals') | int -%}
    {%- set pow = 'cast(' ~ (10 ** digits) ~ ' as double)' -%}
    {%- set p = '(cast(' ~ expr ~ ' as double) * ' ~ pow ~ ')' -%}
    {#- Spark's round of a double is half away from zero and exact here: it rounds the double's shortest
        text, which lies on the same side of n + 0.5 as the double itself -#}
    {%- set v = 'round(' ~ p ~ ', 0)' -%}
    {%- set high = 'cast(' ~ v ~ ' / 4294967296 as bigint)' -%}
    {%- set term = 'cast(' ~ high ~ ' as decimal(20, 0)) * 4294967296 + cast(' ~ v ~ ' - cast(' ~ high ~ ' as double) * 4294967296 as bigint)' -%}
    {%- set n = 'sum(cast(' ~ term ~ ' as decimal(38, 0)))' -%}
    {%- set scale = 'cast(' ~ (10 ** digits) ~ ' as decimal(38, 0))' -%}
    (
        case
            when abs({{ n }}) <= 9007199254740992 then {{ spark_hugeint_double(n) }} / {{ pow }}
            else {{ spark_hugeint_double('(' ~ n ~ ' div ' ~ scale ~ ')') }}
                + {{ spark_hugeint_double('(' ~ n ~ ' % ' ~ scale ~ ')') }} / {{ pow }}
        end
    )
{%- endmacro %}

{% macro spark_hugeint_double(n) -%}
    (case when {{ n }} < 0 then -cast(-{{ n }} - 1 as double) - 1 else cast({{ n }} as double) end)
{%- endmacro %}

{#- The mean of a double expression from its exact sum (see exact_sum); NULLs are left out, as avg() does. -#}
{% macro exact_avg(expr) -%}
    ({{ exact_sum(expr) }} / count({{ expr }}))
{%- endmacro %}
