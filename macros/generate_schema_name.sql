{#- Use the custom schema name as is (staging, intermediate, restricted, marts, reference), not
    <target>_<custom>: the published interface is `marts.<table>` in every environment. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
