-- What: no relation in the published schema (marts) has a person-level key or birth date column.
-- Why: the marts are what BI tools and data packages read; child-level data belongs in the restricted
--   schema of the internal warehouse only (docs/publication_rules.md, "Child-level data").
-- Resolve: aggregate the offending model to institution level, or move it to models/marts/restricted/.
with

marts_columns as (
    {{ schema_columns('marts') }}
)

select
    table_name,
    column_name
from marts_columns
where
    column_name in ('child_key', 'parent_key', 'employee_key', 'guardian_key', 'birth_date', 'pseudonym')
