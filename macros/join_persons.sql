{#
    The one join staging does (a documented exception to "staging renames and casts, no joins"): a key
    lookup in the person register that turns a landed person key into what the CPR number said. It is
    one-to-one on the register's unique key, so it adds and drops no row.
    The rows of `relation` with what the person register says of each CPR column's person: for the CPR
    column `<prefix>cpr`, landed as `<prefix>person_key`, the columns `<prefix>pseudonym`,
    `<prefix>birth_date` and `<prefix>sex`. A left join: a key missing from the register leaves them
    null (and the staging model's not-null tests fail) instead of dropping the row.
#}
{% macro join_persons(relation, prefixes=['']) %}
    select
        {{ relation }}.*{% for prefix in prefixes %},
        {{ prefix }}person.pseudonym as {{ prefix }}pseudonym,
        {{ prefix }}person.birth_date as {{ prefix }}birth_date,
        {{ prefix }}person.sex as {{ prefix }}sex{% endfor %}
    from {{ relation }}
    {%- for prefix in prefixes %}
    left join {{ ref('stg_landing__persons') }} as {{ prefix }}person
        on {{ relation }}.{{ prefix }}person_key = {{ prefix }}person.person_key
    {%- endfor %}
{% endmacro %}
