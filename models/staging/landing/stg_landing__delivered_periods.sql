-- What has landed, per extract: one row per (source_extract, period_token) - the period each landed
-- delivery covers, as its file name says (`_YYYY-MM`, `_YYYY`, `_YYYY-YY`, `_YYYY-MM-DD`). Whole-period
-- publication (int_indicator_period_coverage) reads coverage from here, so it rests on what landed, not on
-- what the data happen to contain. One branch per landed source; a source without deliveries gives no rows.
-- A table, unlike the other staging models: it scans a column of every landed file once, and three
-- coverage models read it.
{{ config(materialized='table') }}
{%- set extracts = [
    ('institutionsregister', 'institutioner'),
    ('kbhbarn', 'indskrivninger'),
    ('kbhbarn', 'fremmoede'),
    ('kbhbarn', 'fravaer'),
    ('kbhbarn', 'lukkedage'),
    ('skoleadm', 'elever'),
    ('skoleadm', 'fravaer'),
    ('skoleadm', 'skolekalender'),
    ('hr', 'personale'),
    ('hr', 'vagtplan'),
    ('kvantum', 'posteringer'),
    ('kvantum', 'budget'),
    ('aula', 'brugsdata'),
    ('aula', 'kommegaa'),
    ('kbhbarn', 'sprogvurdering'),
    ('nationaletest', 'resultater'),
    ('trivsel', 'svar'),
    ('prover', 'karakterer'),
    ('sundhed', 'maalinger'),
    ('social', 'underretninger'),
    ('social', 'ppr'),
    ('social', 'foranstaltninger'),
    ('beskaeftigelse', 'foraeldre'),
    ('kapacitet', 'venteliste'),
    ('prognose', 'befolkning'),
    ('ejendom', 'bygninger'),
    ('kvalitativ', 'observationer'),
    ('kvalitativ', 'dialoghjul'),
    ('kvalitativ', 'laeringssamtaler'),
] %}

{% for system, extract in extracts %}
    select distinct
        '{{ system }}/{{ extract }}' as source_extract,
        _period as period_token
    from {{ source(system, extract) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
