"""Whether `boernedata build` runs the project's dbt unit tests.

A unit test checks a model's code on fixed inputs (the fixtures are in the models' YAML), so its outcome
depends on the code and the dbt and DuckDB versions only, never on the landed data. dbt Labs recommends
running unit tests in development and CI, not in production builds (docs.getdbt.com/docs/build/unit-tests,
"When to run unit tests"). A build here runs them whenever the code has not passed them in this warehouse:
the first build, and the first build after the models, macros, seeds, snapshots, tests, project file,
extract contracts or versions changed, so code that fails a unit test is never published. A build that ran
every unit test, all passing, records the code's fingerprint in its manifest; later builds of the same
code carry the record on and leave the unit tests out: a nightly, a `--full-refresh`, a full rebuild
because a history extract was re-delivered. They are a fixed cost (about 12 s of a build on 2 cores,
whatever the data; docs/benchmarks.md). `make test` runs them on every change.
"""

from __future__ import annotations

import json
from pathlib import Path

from boernedata.build import incremental

# What a unit test's outcome depends on besides the versions: what the models compute, and tests/
# (fixture files may live there).
TESTED = (*incremental.FINGERPRINTED, "tests")
MANIFEST_KEY = "unit_tests"
PREFIX = "unit_test."


def fingerprint(project_dir: Path) -> str:
    return incremental.fingerprint(project_dir, TESTED)


def passed_before(previous: dict | None, code: str, versions: dict[str, str]) -> bool:
    """Whether the code with fingerprint `code` passed every unit test under `versions` in an earlier build
    of this warehouse (`previous`: the current publication's manifest)."""
    record = (previous or {}).get(MANIFEST_KEY) or {}
    return record.get("fingerprint") == code and record.get("versions") == versions


def dbt_arguments(skip: bool) -> list[str]:
    return ["--exclude", "test_type:unit"] if skip else []


def describe(skip: bool) -> str:
    if skip:
        return "unit tests: left out, this code passed them all in an earlier build of this warehouse"
    return "unit tests: run, as this code has not passed them in this warehouse"


def record(
    previous: dict | None,
    code: str,
    versions: dict[str, str],
    run_results: dict,
    target_path: Path,
    build_id: str,
) -> dict | None:
    """The manifest's record of the code that passed every unit test: this build's, when it ran them all
    and all passed (a caller's --select may have run fewer), else the earlier build's for the same code,
    else None (the next build runs them)."""
    passed = {
        r.get("unique_id")
        for r in run_results.get("results", [])
        if str(r.get("unique_id", "")).startswith(PREFIX) and r.get("status") == "pass"
    }
    try:
        defined = set(json.loads((target_path / "manifest.json").read_text("utf-8")).get("unit_tests", {}))
    except (OSError, ValueError):
        defined = None  # dbt's manifest unreadable: what ran cannot be told apart from what exists
    if defined is not None and defined <= passed:
        return {"fingerprint": code, "versions": versions, "passed": len(defined), "build_id": build_id}
    if passed_before(previous, code, versions):
        return previous[MANIFEST_KEY]  # type: ignore[index]
    return None
