{#- Incremental event models (boernedata/build/incremental.py decides full or incremental, and from when).
    On an incremental run a model recomputes only its rows dated on or after `boernedata:incremental_since`:
    a pre-hook deletes them (delete_since) and the model's select keeps only those dates (is_recomputed).
    Without the var an incremental run recomputes every row (1900-01-01), which is always right. -#}

{% macro incremental_since() -%}
    cast('{{ var("boernedata:incremental_since", "1900-01-01") }}' as date)
{%- endmacro %}

{#- The pre-hook of an incremental model: delete the rows about to be recomputed. -#}
{% macro delete_since(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ date_column }} >= {{ incremental_since() }}
    {%- endif -%}
{%- endmacro %}

{#- A filter for the model's select: on an incremental run, only the dates being recomputed. -#}
{% macro is_recomputed(date_expr) -%}
    {%- if is_incremental() -%}
        {{ date_expr }} >= {{ incremental_since() }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The data tests of the incremental models check the recomputed days only (their `where` config reads
    the same var in the yml, as generic test configs cannot call project macros): the days before were
    checked by the build that made them. -#}

{#- The incremental models' materialization. Spark's Parquet tables cannot delete rows (delete_since), and
    a build on another engine is always a full build (boernedata/build/engines.py), so on Spark they are
    plain tables; with Delta tables on a cluster, `incremental` with the `merge` strategy would do. -#}
{% macro incremental_materialization() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}
