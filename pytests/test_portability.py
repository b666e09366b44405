"""Models stay portable (docs/engines.md): known DuckDB-only constructs appear only inside an engine's
implementation of a dispatched macro (`default__`, `duckdb__`, `postgres__`, `spark__`), never in a
model, a shared macro, a test or a unit-test fixture written as SQL.

When this fails: write the construct as the table in docs/engines.md says (a dispatch macro with a
`postgres__` and a `spark__` implementation, or the portable spelling), then run `make test-engines`.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# pattern -> what to write instead
DUCKDB_ONLY = {
    r"\bunnest\s*\(": "integer_series / date_series",
    r"\brange\s*\(": "integer_series",
    r"\bgenerate_series\s*\(": "integer_series / date_series",
    r"\bisodow\s*\(": "iso_day_of_week",
    r"\bmake_date\s*\(": "date_from_parts",
    r"(?<!\.)\bany_value\s*\(": "{{ dbt.any_value(...) }}",
    r"\binterval\s+\d": "interval '1 day'",
    r"\b(?:1|100)\.0\s*\*": "cast(x as double) / y, 100 * cast(x as double) / y",
    r"\border\s+by\s+all\b": "the columns by name",
    r"\bgroup\s+by\s+all\b": "the columns by name",
    r"\bqualify\b": "a filter on a window in a subquery",
    r"\blist_\w+\s*\(": "portable SQL or a dispatch macro",
    r"\bstruct_pack\s*\(": "portable SQL or a dispatch macro",
    r"\bstrftime\s*\(": "a dispatch macro",
    r"::\s*[a-z]": "cast(x as type)",
    r"\bmedian\s*\(": "median_of",
    r"\bepoch\s*\(": "epoch_seconds",
    r"\bto_(?:seconds|minutes|hours|days|weeks|months|years)\s*\(": "n * interval '1 minute', dbt.dateadd",
    r"(?<![\w.])round\s*\(": "round_double (PostgreSQL has no round(double, n); Spark rounds otherwise)",
    r"\bvarchar\b": "string (Spark refuses varchar without a length; a domain on PostgreSQL)",
    r"\bstring_agg\s*\(": "ordered_string_agg",
    r"//": "cast(ceil(cast(a as double) / b) as bigint) or a cast of a / b (integer division)",
    r"\bas\s+interval\b": "date_at_time(d, cast('06:00' as time)) (Spark casts '06:00' to a NULL interval)",
}
# an engine's implementation of a dispatched macro, up to its endmacro
ENGINE_MACRO = re.compile(r"{%-?\s*macro\s+(default|duckdb|postgres|spark)__.*?{%-?\s*endmacro\s*-?%}", re.S)
# comments, and Jinja statements (`{% for i in range(...) %}` is Jinja's range, not SQL)
NOT_SQL = re.compile(r"{#.*?#}|{%.*?%}|--[^\n]*", re.S)


def findings(text: str) -> list[str]:
    text = NOT_SQL.sub("", ENGINE_MACRO.sub("", text))
    return [
        f"{m.group(0)!r} (use {fix})" for p, fix in DUCKDB_ONLY.items() for m in re.finditer(p, text, re.I)
    ]


def test_finds_duckdb_only_constructs():
    assert findings("select unnest(range(1, 3)) as n from t qualify row_number() over () = 1")
    assert findings("select x::varchar, interval 1 day")
    assert findings("select cast(x as varchar)") and findings("select cast(x as string)") == []
    new_in_issue_25 = "select median(x), epoch(ts), d - to_months(3), a // b, 100.0 * a / b, round(x, 1)"
    assert len(findings(new_in_issue_25)) == 6
    assert findings("select cast(d as timestamp) + cast('06:00' as interval)")
    assert findings("select {{ date_at_time('d', \"cast('06:00' as time)\") }}") == []
    assert findings("select {{ median_of('x') }}, 1.4826 * y, {{ round_double('x', 1) }}") == []
    assert findings("{% macro default__s() %}select unnest(range(1, 2)){% endmacro %}") == []
    assert findings("-- unnest(range()) in a comment\nselect 1") == []
    assert findings("{% for r in range(1, 3) %}select {{ r }}{% endfor %}") == []
    assert findings("select {{ dbt.any_value('x') }}, cast(a as double) / b") == []


def test_models_macros_and_fixtures_are_portable():
    files = [*ROOT.glob("models/**/*.sql"), *ROOT.glob("macros/**/*.sql"), *ROOT.glob("tests/**/*.sql")]
    files += [p for p in ROOT.glob("models/**/*.yml") if "format: sql" in p.read_text()]
    problems = {str(p.relative_to(ROOT)): found for p in files if (found := findings(p.read_text()))}
    assert problems == {}


def test_unit_test_and_model_names_fit_postgres_identifiers():
    """PostgreSQL cuts identifiers at 63 bytes and dbt refuses a longer relation name: a unit test's name
    is a relation there."""
    import yaml

    names = [p.stem for p in ROOT.glob("models/**/*.sql")]
    for path in ROOT.glob("models/**/*.yml"):
        doc = yaml.safe_load(path.read_text()) or {}
        names += [test["name"] for test in doc.get("unit_tests") or []]
    assert [n for n in names if len(n.encode()) > 63] == []


def test_contracts_and_seed_types_say_string_not_varchar():
    """Contract data types, seed column types and fixtures are read by every engine: Spark refuses
    `varchar` without a length, so the project writes `string` (DuckDB's alias, a domain on PostgreSQL)."""
    files = [ROOT / "dbt_project.yml", *ROOT.glob("models/**/*.yml"), *ROOT.glob("seeds/**/*.yml")]
    files += [*ROOT.glob("snapshots/**/*.yml")]
    found = [str(p.relative_to(ROOT)) for p in files if re.search(r"\bvarchar\b", p.read_text(), re.I)]
    assert found == []
