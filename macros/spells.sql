{#- Merge date-interval rows that overlap (or share a day) within each group of `keys` into spells:
    one row per (keys, spell_no) with the spell's start_date and end_date (null = still open). Used for
    enrollments, where a change of class, group or place can be delivered as two rows sharing days;
    counting days per spell then counts each (person, institution, day) once.
    `relation` has the columns in `keys`, start_date and end_date (inclusive; null end = open). -#}
{% macro merged_spells(relation, keys) -%}
    {%- set key_list = keys | join(', ') -%}
    select
        {{ key_list }},
        spell_no,
        min(start_date) as start_date,
        -- null (still enrolled) when any merged row is open-ended
        case when count(end_date) = count(*) then max(end_date) end as end_date
    from (
        select
            {{ key_list }},
            start_date,
            end_date,
            -- a new spell starts where a row begins after every earlier row has ended
            sum(
                case when previous_max_end_date is null or start_date > previous_max_end_date then 1 else 0 end
            ) over (
                partition by {{ key_list }}
                order by start_date, end_date
                rows between unbounded preceding and current row
            ) as spell_no
        from (
            select
                {{ key_list }},
                start_date,
                end_date,
                -- the latest end seen so far among earlier rows; an open end (null) reaches every later row
                max({{ open_end('end_date') }}) over (
                    partition by {{ key_list }}
                    order by start_date, end_date
                    rows between unbounded preceding and 1 preceding
                ) as previous_max_end_date
            from {{ relation }}
        ) as ordered
    ) as numbered
    group by {{ key_list }}, spell_no
{%- endmacro %}

{#- An inclusive end date where null means open: a date after any data, so that `d <= open_end(end)` is
    one comparison. Comparisons written `end is null or d <= end` cost DuckDB its hash join when they sit
    in a left join's condition (it loops over every pair instead). -#}
{% macro open_end(end_date) -%}
    coalesce({{ end_date }}, cast('9999-12-31' as date))
{%- endmacro %}
