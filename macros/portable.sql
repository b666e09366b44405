{#- Small functions whose spelling differs per engine (docs/engines.md, Portability rules): a DuckDB
    (`default__`), a PostgreSQL and a Spark implementation each, so models stay one SQL text. -#}

{#- The median of an expression in an aggregate (interpolated: the mean of the two middle values when
    their count is even), a double. -#}
{% macro median_of(expr) -%}
    {{ return(adapter.dispatch('median_of', 'boernedata')(expr)) }}
{%- endmacro %}

{% macro default__median_of(expr) -%}
    median({{ expr }})
{%- endmacro %}

{% macro postgres__median_of(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{% macro spark__median_of(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}

{#- Seconds since 1970-01-01 00:00 of a timestamp without time zone, a double (fractions kept). Only
    differences of two of them are used, so the engines need not agree on a time zone; Spark's session
    zone is UTC (profiles.yml), so a day has no DST gap there. -#}
{% macro epoch_seconds(ts) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'boernedata')(ts)) }}
{%- endmacro %}

{% macro default__epoch_seconds(ts) -%}
    epoch({{ ts }})
{%- endmacro %}

{% macro postgres__epoch_seconds(ts) -%}
    cast(extract(epoch from cast({{ ts }} as timestamp)) as double precision)
{%- endmacro %}

{% macro spark__epoch_seconds(ts) -%}
    (cast(unix_micros(cast({{ ts }} as timestamp)) as double) / 1000000)
{%- endmacro %}

{#- round(x, digits) as DuckDB rounds a double: x * 10^digits in double arithmetic, rounded half away
    from zero, / 10^digits. PostgreSQL has no round(double precision, integer) and rounds a double half
    to even; Spark rounds the double's shortest decimal text (2.675 -> 2.68, DuckDB 2.67). The emulation
    gives DuckDB's value bit for bit on a double, and the exact half-away rounding on a decimal (numeric),
    which is what DuckDB does to a decimal. `digits` is a literal integer >= 0. -#}
{% macro round_double(expr, digits) -%}
    {{ return(adapter.dispatch('round_double', 'boernedata')(expr, digits)) }}
{%- endmacro %}

{% macro default__round_double(expr, digits) -%}
    round({{ expr }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_double(expr, digits) -%}
    {%- set scale = 10 ** (digits | int) -%}
    {%- set v = '((' ~ expr ~ ') * ' ~ scale ~ ')' -%}
    (
        case
            when {{ v }} >= 0 then floor({{ v }}) + case when {{ v }} - floor({{ v }}) >= 0.5 then 1 else 0 end
            else ceil({{ v }}) - case when ceil({{ v }}) - {{ v }} >= 0.5 then 1 else 0 end
        end / {{ scale }}
    )
{%- endmacro %}

{% macro spark__round_double(expr, digits) -%}
    {{ postgres__round_double(expr, digits) }}
{%- endmacro %}

{#- string_agg of `expr` separated by `delimiter` in the order of `order_by` (an ORDER BY list). Spark
    wants the order as WITHIN GROUP (PostgreSQL 15 does not know that form for string_agg). -#}
{% macro ordered_string_agg(expr, delimiter, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'boernedata')(expr, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(expr, delimiter, order_by) -%}
    string_agg({{ expr }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(expr, delimiter, order_by) -%}
    string_agg({{ expr }}, {{ delimiter }}) within group (order by {{ order_by }})
{%- endmacro %}

{#- (table_name, column_name) of every relation in schema `schema_name`, for tests that look at the
    published interface. Spark's catalog has no information_schema: there the columns are listed from
    the catalog when the test compiles (the tests run after the models). -#}
{% macro schema_columns(schema_name) -%}
    {{ return(adapter.dispatch('schema_columns', 'boernedata')(schema_name)) }}
{%- endmacro %}

{% macro default__schema_columns(schema_name) -%}
    select table_name, column_name from information_schema.columns where table_schema = '{{ schema_name }}'
{%- endmacro %}

{% macro spark__schema_columns(schema_name) -%}
    {%- set rows = [] -%}
    {%- if execute and run_query("show databases like '" ~ schema_name ~ "'").rows | length > 0 -%}
        {#- show tables: namespace, tableName, isTemporary -#}
        {%- for table in run_query('show tables in ' ~ schema_name).rows if not table[2] -%}
            {%- set relation = api.Relation.create(schema=schema_name, identifier=table[1]) -%}
            {%- for column in adapter.get_columns_in_relation(relation) -%}
                {%- do rows.append("('" ~ table[1] ~ "', '" ~ column.name ~ "')") -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if rows -%}
        select table_name, column_name from values {{ rows | join(', ') }} as listed (table_name, column_name)
    {%- else -%}
        select cast(null as string) as table_name, cast(null as string) as column_name where false
    {%- endif -%}
{%- endmacro %}

{#- The timestamp of a date at a time of day (TIME): `date + time` on DuckDB and PostgreSQL; Spark adds
    only days to a date. -#}
{% macro date_at_time(date_expr, time_expr) -%}
    {{ return(adapter.dispatch('date_at_time', 'boernedata')(date_expr, time_expr)) }}
{%- endmacro %}

{% macro default__date_at_time(date_expr, time_expr) -%}
    ({{ date_expr }} + {{ time_expr }})
{%- endmacro %}

{% macro spark__date_at_time(date_expr, time_expr) -%}
    cast(make_timestamp({{ date_expr }}, {{ time_expr }}) as timestamp_ntz)
{%- endmacro %}
