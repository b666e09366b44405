{#- Set-up an engine needs before any model runs (on-run-start; docs/engines.md). DuckDB and Spark need
    none. PostgreSQL spells the 8-byte float `double precision`; the project writes `double` (DuckDB's and
    Spark's name) in casts, seed column types and contracts, so a domain `double` over it lets every model
    run unchanged (a result column of a domain type reads as its base type, float8). Likewise `string`
    (DuckDB's alias of varchar, Spark's only text type: Spark refuses `varchar` without a length) is a
    domain over varchar. -#}
{% macro engine_setup() -%}
    {{ return(adapter.dispatch('engine_setup', 'boernedata')()) }}
{%- endmacro %}

{% macro default__engine_setup() -%}
    select 1
{%- endmacro %}

{% macro postgres__engine_setup() -%}
    do $$
    begin
        if not exists (
            select 1 from pg_type where typname = 'double' and typnamespace = 'public'::regnamespace
        ) then
            create domain public.double as double precision;
        end if;
        if not exists (
            select 1 from pg_type where typname = 'string' and typnamespace = 'public'::regnamespace
        ) then
            create domain public.string as varchar;
        end if;
    end
    $$;
    {#- exact_sum on PostgreSQL rounds like DuckDB 1.5 (cast.cpp), to the last bit. A double -> decimal:
        x * 10^scale in double arithmetic, rounded half away from zero, kept exactly (an integral double
        is read exactly from its bits; below 2^53 a bigint holds it as it is). -#}
    create or replace function public.duckdb_decimal(x double precision, scale integer) returns numeric
    language sql immutable parallel safe as $fn$
        select
            case
                when abs(v) < 9007199254740992 then cast(cast(v as bigint) as numeric)
                else sign(v)::numeric * ((bits & 4503599627370495) | 4503599627370496)::numeric
                    * power(2::numeric, ((bits >> 52) & 2047) - 1075)
            end * cast('1e-' || scale as numeric)
        from (
            select v, ('x' || encode(float8send(v), 'hex'))::bit(64)::bigint as bits
            from (
                select trunc(p) + case when abs(p - trunc(p)) >= 0.5 then sign(p) else 0 end as v
                from (select x * power(10::double precision, scale) as p) as scaled
            ) as rounded
        ) as decoded
    $fn$;
    {#- A 128-bit integer -> double: double(lower) + double(upper) * 2^64 of its two's-complement halves,
        -(double(2^64 - 1 - lower)) - 1 when upper = -1 (Hugeint::TryCast). -#}
    create or replace function public.duckdb_hugeint_double(n numeric) returns double precision
    language sql immutable parallel safe as $fn$
        select
            case
                when upper = -1 then -cast(18446744073709551615 - lower as double precision) - 1.0
                else cast(lower as double precision)
                    + cast(upper as double precision) * cast(18446744073709551616 as double precision)
            end
        from (
            select upper, n - upper * 18446744073709551616 as lower
            from (
                select div(n, 18446744073709551616)
                    - case when n < 0 and mod(n, 18446744073709551616) <> 0 then 1 else 0 end as upper
            ) as halves
        ) as split
    $fn$;
    {#- A decimal -> double: unscaled / 10^scale when |unscaled| <= 2^53, else
        double(unscaled div 10^scale) + double(unscaled mod 10^scale) / 10^scale (truncating). -#}
    create or replace function public.duckdb_double(d numeric, scale integer) returns double precision
    language sql immutable parallel safe as $fn$
        select
            case
                when abs(n) <= 9007199254740992
                    then public.duckdb_hugeint_double(n) / power(10::double precision, scale)
                else public.duckdb_hugeint_double(div(n, p))
                    + public.duckdb_hugeint_double(n - div(n, p) * p) / power(10::double precision, scale)
            end
        from (
            select trunc(d * cast('1e' || scale as numeric)) as n, cast('1e' || scale as numeric) as p
        ) as unscaled
    $fn$
{%- endmacro %}
