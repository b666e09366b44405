-- What: every indicator value comes from the family model its catalogue row names (family_model).
-- Why: the catalogue is how a reader finds an indicator's formula; a wrong pointer sends an analyst (or
-- a school leader's question) to the wrong SQL. Also catches two families emitting the same code.
-- Fix: correct family_model in seeds/seed_indicator_catalogue.csv, or move the code to the right family.
select
    indicator_values.indicator_code,
    indicator_values.family_model as produced_by,
    catalogue.family_model as catalogue_says,
    count(*) as value_rows
from {{ ref('int_indicator_values') }} as indicator_values
inner join {{ ref('seed_indicator_catalogue') }} as catalogue
    on indicator_values.indicator_code = catalogue.indicator_code
where indicator_values.family_model <> catalogue.family_model
group by indicator_values.indicator_code, indicator_values.family_model, catalogue.family_model
