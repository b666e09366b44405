{#- The model has exactly as many rows as compare_model. Same name and arguments as
    dbt_utils.equal_rowcount's intent (`dbt deps` cannot reach the package hub). Usage:
    `- equal_row_count: {arguments: {compare_model: ref('other')}}` -#}
{% test equal_row_count(model, compare_model) %}

with

counts as (

    select
        (select count(*) from {{ model }}) as model_rows,
        (select count(*) from {{ compare_model }}) as compare_rows

)

select *
from counts
where model_rows != compare_rows

{% endtest %}
