{#- Every non-null value of the column lies in [min_value, max_value] (either bound may be left out). Same
    name and arguments as dbt_utils.accepted_range, which is not reachable here (see
    unique_combination_of_columns). Usage: `- accepted_range: {arguments: {min_value: 0, max_value: 300}}` -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}

select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is not null
    and (
        false
        {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
        {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
    )

{% endtest %}
