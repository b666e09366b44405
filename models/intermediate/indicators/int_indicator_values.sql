-- Every indicator of every sector in one long table: the union of the indicator family models, one
-- row per (institution_id, indicator_code, period_id) with numerator, denominator and n as each
-- formula defines them. Each family model holds its formulas (and their unit tests); this model only
-- stacks them. Add a new family to its sector's list below.
{%- set school_families = [
    'int_indicator_values__school_absence',
    'int_indicator_values__school_enrollment',
] %}
{%- set daycare_leisure_families = [
] %}
{%- set families = school_families + daycare_leisure_families %}

{% if families | length == 0 %}
    -- No family registered yet: a typed, empty table keeps the marts buildable.
    select
        cast(null as varchar) as institution_id,
        cast(null as varchar) as indicator_code,
        cast(null as varchar) as period_type,
        cast(null as varchar) as period_id,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        cast(null as bigint) as n
    where false
{% endif %}
{% for family in families %}
    select
        cast(institution_id as varchar) as institution_id,
        cast(indicator_code as varchar) as indicator_code,
        cast(period_type as varchar) as period_type,
        cast(period_id as varchar) as period_id,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(n as bigint) as n
    from {{ ref(family) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
