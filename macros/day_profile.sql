{#- The day profile's slot grid (issue 24, part 3): slots of `boernedata:day_profile_slot_minutes` from
    `boernedata:day_profile_first_slot` to `boernedata:day_profile_day_end`, numbered 0, 1, ... A person is
    present in slot k = [t_k, t_k + slot) when the interval [from, until) starts before t_k + slot and ends
    after t_k, i.e. for slot_from(from) <= k < slot_until(until): one +1 at the first slot and one -1 at the
    end slot, summed over the slots by a running sum (the sweep), never one row per person and slot. The
    rota what-if (boernedata/planning/rota_whatif.py) applies the same arithmetic to moved shifts. -#}

{% macro day_profile_slot_seconds() -%}
    {{ var('boernedata:day_profile_slot_minutes') * 60 }}
{%- endmacro %}

{#- The number of slots in the day (48 for 06:00-18:00 in quarter hours). -#}
{% macro day_profile_slot_count() -%}
    {%- set first = var('boernedata:day_profile_first_slot').split(':') -%}
    {%- set last = var('boernedata:day_profile_day_end').split(':') -%}
    {%- set minutes = (last[0] | int) * 60 + (last[1] | int) - (first[0] | int) * 60 - (first[1] | int) -%}
    {%- set slots = minutes // var('boernedata:day_profile_slot_minutes') -%}
    {{ slots }}
{%- endmacro %}

{#- The timestamp of clock time `hh_mm` (a 'HH:MM' var) on day `date_expr`: a date plus a TIME, not a string
    cast to an interval (Spark casts '06:00' to a NULL interval). -#}
{% macro day_profile_time_on(date_expr, hh_mm) -%}
    {{ date_at_time(date_expr, "cast('" ~ hh_mm ~ "' as time)") }}
{%- endmacro %}

{#- Seconds from the first slot's start on day `date_expr` to timestamp `ts_expr` (negative before it). -#}
{% macro day_profile_offset_seconds(ts_expr, date_expr) -%}
    ({{ epoch_seconds(ts_expr) }} - {{ epoch_seconds(day_profile_time_on(date_expr, var('boernedata:day_profile_first_slot'))) }})
{%- endmacro %}

{#- The first slot an interval starting `offset` seconds after the first slot covers, cut to the grid. -#}
{% macro day_profile_slot_from(offset) -%}
    cast(greatest(0, least({{ day_profile_slot_count() }}, floor(cast({{ offset }} as double) / {{ day_profile_slot_seconds() }}))) as integer)
{%- endmacro %}

{#- The slot after the last one an interval ending `offset` seconds after the first slot covers. -#}
{% macro day_profile_slot_until(offset) -%}
    cast(greatest(0, least({{ day_profile_slot_count() }}, ceil(cast({{ offset }} as double) / {{ day_profile_slot_seconds() }}))) as integer)
{%- endmacro %}

{#- A slot number as its start time of day (TIME). -#}
{% macro day_profile_slot_start(slot_expr) -%}
    cast(cast('{{ var("boernedata:day_profile_first_slot") }}' as time) + cast({{ slot_expr }} * {{ var('boernedata:day_profile_slot_minutes') }} as bigint) * interval '1 minute' as time)
{%- endmacro %}
