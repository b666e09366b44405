-- Every indicator of every sector in one long table: the union of the indicator family models, one
-- row per (institution_id, indicator_code, period_id) with numerator, denominator and n as each
-- formula defines them. Each family model holds its formulas (and their unit tests); this model only
-- stacks them. Add a new family to the list below, by folder (models/intermediate/<area>/); the catalogue
-- seed's family_model names the family of each code.
{%- set families = [
    'int_indicator_values__school_absence',
    'int_indicator_values__school_absence_rules',
    'int_indicator_values__school_enrollment',
    'int_indicator_values__school_wellbeing',
    'int_indicator_values__school_national_tests',
    'int_indicator_values__school_exams',
    'int_indicator_values__school_health',
    'int_indicator_values__school_cost',
    'int_indicator_values__daycare_attendance',
    'int_indicator_values__daycare_capacity',
    'int_indicator_values__daycare_cost',
    'int_indicator_values__staff',
    'int_indicator_values__staffing_ratio',
    'int_indicator_values__observations',
    'int_indicator_values__portal_reach',
    'int_indicator_values__dialoghjul',
    'int_indicator_values__language_assessments',
] %}

{% for family in families %}
    select
        cast(institution_id as string) as institution_id,
        cast(indicator_code as string) as indicator_code,
        cast(period_type as string) as period_type,
        cast(period_id as string) as period_id,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(n as bigint) as n,
        '{{ family }}' as family_model
    from {{ ref(family) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
