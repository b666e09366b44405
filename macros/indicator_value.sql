{#- The value of an indicator from its numerator and denominator, by the catalogue's value kind:
    percent = 100 x num / den; ratio and mean = num / den; count = num. Used for institutions and for
    the pooled district/municipality benchmarks alike, so both apply exactly the same formula. -#}
{% macro indicator_value(value_kind, numerator, denominator) -%}
    case
        when {{ value_kind }} = 'count' then {{ numerator }}
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        when {{ value_kind }} = 'percent' then 100 * cast({{ numerator }} as double) / {{ denominator }}
        else cast({{ numerator }} as double) / {{ denominator }}
    end
{%- endmacro %}

{#- Does a row carry a value before suppression (docs/publication_rules.md: denominator > 0, or a count)? -#}
{% macro indicator_has_value(value_kind, numerator, denominator) -%}
    (
        ({{ value_kind }} = 'count' and {{ numerator }} is not null)
        or ({{ value_kind }} != 'count' and {{ denominator }} > 0)
    )
{%- endmacro %}
