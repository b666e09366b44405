{#- Incremental event models (boernedata/build/incremental.py decides full or incremental, and from when).
    On an incremental run a model recomputes only its rows dated on or after the environment variable
    BOERNEDATA_INCREMENTAL_SINCE (an ISO date that `boernedata build` sets for the dbt process): a pre-hook
    deletes them (delete_since) and the model's select keeps only those dates (is_recomputed). Without it
    an incremental run recomputes every row (1900-01-01), which is always right. An environment variable,
    not a --vars var: dbt parses the whole project again whenever --vars change, which a nightly build
    would pay every night (~5 s at Copenhagen's scale); the models read it only when they run. -#}

{% macro incremental_since() -%}
    cast('{{ env_var("BOERNEDATA_INCREMENTAL_SINCE", "1900-01-01") }}' as date)
{%- endmacro %}

{#- The pre-hook of an incremental model: delete the rows about to be recomputed. -#}
{% macro delete_since(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ date_column }} >= {{ incremental_since() }}
    {%- endif -%}
{%- endmacro %}

{#- A filter for the model's select: on an incremental run, only the dates being recomputed. -#}
{% macro is_recomputed(date_expr) -%}
    {{ recomputed_from(date_expr, incremental_since()) }}
{%- endmacro %}

{#- The filters' one shape: on an incremental run, `expr` from the first recomputed value (a date, a
    half-year or school-year id: ids sort as their periods do); on a full run, everything. -#}
{% macro recomputed_from(expr, first_expr) -%}
    {%- if is_incremental() -%}
        {{ expr }} >= {{ first_expr }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Half-year-grain incremental models (the day profile's child side, issue 28): on an incremental run they
    recompute, whole, every half-year that ends on or after `BOERNEDATA_INCREMENTAL_SINCE` (a half-year the
    recomputed days reach is counted again from its first day) and keep the earlier ones. Half-year ids
    ('2026-H2') sort as the half-years do. -#}
{% macro delete_half_years_since() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ is_recomputed_half_year('period_id') }}
    {%- endif -%}
{%- endmacro %}

{#- A filter on a half-year id: on an incremental run, the half-years being recomputed. -#}
{% macro is_recomputed_half_year(period_id_expr) -%}
    {{ recomputed_from(period_id_expr, half_year_of(incremental_since())) }}
{%- endmacro %}

{#- A filter for such a model's day-grain input: on an incremental run, the days of the recomputed
    half-years. -#}
{% macro is_in_recomputed_half_year(date_expr) -%}
    {{ recomputed_from(date_expr, date_from_parts(
        half_year_year_of(incremental_since()),
        '(' ~ half_year_half_of(incremental_since()) ~ ') * 6 - 5',
        1,
    )) }}
{%- endmacro %}

{#- Window-grain incremental models (the periods of int_periods: school year, half-year, calendar year;
    the quarters of int_school_year_quarters): on an incremental run they recompute, whole, every window
    that ends on or after the first recomputed day, and keep the windows that ended before it. The model
    filters its windows with is_recomputed(end_column); this pre-hook deletes the same windows. -#}
{% macro delete_windows_since(windows, keys, end_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where ({{ keys | join(', ') }}) in (
            select {{ keys | join(', ') }} from {{ windows }}
            where {{ is_recomputed(end_column) }}
        )
    {%- endif -%}
{%- endmacro %}

{% macro delete_periods_since() -%}
    {{ delete_windows_since(ref('int_periods'), ['period_type', 'period_id'], 'period_end') }}
{%- endmacro %}

{% macro delete_quarters_since() -%}
    {{ delete_windows_since(ref('int_school_year_quarters'), ['school_year', 'quarter_id'], 'quarter_end') }}
{%- endmacro %}

{#- School-year-grain incremental models: on an incremental run they recompute, whole, every school year
    (1 August to 31 July; ids '2025/26' sort as the years do) from the one BOERNEDATA_INCREMENTAL_SINCE
    falls in, and keep the earlier ones. -#}
{% macro delete_school_years_since() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ is_recomputed_school_year('school_year') }}
    {%- endif -%}
{%- endmacro %}

{#- A filter on a school-year id: on an incremental run, the school years being recomputed. -#}
{% macro is_recomputed_school_year(school_year_expr) -%}
    {{ recomputed_from(school_year_expr, school_year_of(incremental_since())) }}
{%- endmacro %}

{#- The data tests of the incremental models check the recomputed days only (their `where` config reads
    the same environment variable in the yml, as generic test configs cannot call project macros; dbt
    parses those few yml files again when it changes): the days before were checked by the build that
    made them. -#}

{#- The incremental models' materialization. Spark's Parquet tables cannot delete rows (delete_since), and
    a build on another engine is always a full build (boernedata/build/engines.py), so on Spark they are
    plain tables; with Delta tables on a cluster, `incremental` with the `merge` strategy would do. -#}
{% macro incremental_materialization() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}
