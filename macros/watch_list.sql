{#- A number as Danish text for the watch list's reasons: `decimals` (1 or 2) decimals and a decimal comma
    (5.25 -> '5,25'). Fixed decimals via DECIMAL, so the text is the same on every build. -#}
{% macro watch_list_number(expr, decimals) -%}
    replace(
        case
            when {{ decimals }} = 1 then cast(cast({{ expr }} as decimal(18, 1)) as string)
            else cast(cast({{ expr }} as decimal(18, 2)) as string)
        end,
        '.', ','
    )
{%- endmacro %}
