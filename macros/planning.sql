{#- Planning (docs/planning.md): the place guarantee's date for a waiting-list request - the desired start
    date, but not before `boernedata:guarantee_months` months after the request. -#}
{% macro guarantee_date(desired_start_date, request_date) -%}
    greatest(
        {{ desired_start_date }},
        cast({{ dbt.dateadd('month', var('boernedata:guarantee_months'), request_date) }} as date)
    )
{%- endmacro %}
