{#- The combination of the given columns is unique. Same name and arguments as
    dbt_utils.unique_combination_of_columns, which is not reachable here (`dbt deps` cannot reach the
    package hub). Usage: `- unique_combination_of_columns: {arguments: {combination_of_columns: [a, b]}}` -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
