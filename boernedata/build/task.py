"""`boernedata build`: dbt build on the internal warehouse, then publish the marts safely.

The steps, in order, and the module that owns each: take the build lock (lock.py), check that every
landed extract has rows and every landed file the columns this version lands (checks.py), run `dbt build`
while holding the landing zone's lock (dbt_runner.py), copy the published interface into a new release
(publish.py), refuse a shrunken table (checks.py), write the manifest (manifest.py), and swap the release
in (releases.py). Any refusal or failure raises BuildError before the swap, so the last good publication
stays in place.

Why a separate publication: DuckDB allows one writer or many readers, never both, has no users or grants,
and dbt-duckdb keeps its file open for the whole run. BI tools therefore never open the internal file
(staging, intermediate and restricted hold pseudonymized child-level rows); docs/architecture.md,
"Publishing".
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from boernedata import landing_zone as zone
from boernedata import settings
from boernedata.build import dbt_runner, engines, incremental, manifest, publish, unit_tests
from boernedata.build.checks import (
    Checks,
    refuse_empty_sources,
    refuse_foreign_schemas,
    refuse_shrink,
    unknown_extracts,
)
from boernedata.build.errors import BuildError, err, say
from boernedata.build.lock import BuildLock, check_internal_file_free, landing_lock
from boernedata.exit_codes import ExitCode
from boernedata.releases import (
    Paths,
    current_release,
    iso,
    prune_releases,
    read_manifest,
    swap_published,
    utcnow,
)

PROG = "boernedata build"


def build(
    landing: Path,
    warehouse: Path,
    dbt_args: list[str],
    *,
    project_dir: Path = settings.PROJECT_DIR,
    checks: Checks | None = None,
    full_refresh: bool = False,
    target: str = engines.DUCKDB,
) -> int:
    """dbt build on the internal warehouse; publish the marts when everything passed and the publication
    checks hold. Returns an exit code. Another `target` engine builds the same models there (engines.py)."""
    paths = Paths.of(warehouse)
    landing = Path(landing).expanduser().absolute()
    project_dir = Path(project_dir).expanduser().absolute()
    options = checks or Checks()
    if not landing.is_dir():
        _err(
            f"the landing folder {landing} does not exist. Run `boernedata land --landing {landing}` first "
            f"(or point --landing / ${settings.ENV_LANDING} at it)."
        )
        return ExitCode.CANNOT_RUN
    unknown = unknown_extracts(list(options.allow_empty))
    if unknown:
        _err(
            f"--allow-empty / ${settings.ENV_ALLOW_EMPTY} names {', '.join(unknown)}, which is no extract of "
            "the contracts; use `system/extract` as in the raw folder, e.g. aula/kommegaa."
        )
        return ExitCode.CANNOT_RUN
    if target != engines.DUCKDB:
        try:
            engines.preflight(target)
        except engines.EngineUnavailable as exc:
            _err(str(exc))
            return ExitCode.CANNOT_RUN
    paths.root.mkdir(parents=True, exist_ok=True)
    try:
        lock = BuildLock.acquire(paths.lock)
    except BuildError as exc:
        _err(str(exc))
        return ExitCode.BUSY
    try:
        if target != engines.DUCKDB:
            return _engine_build(target, paths, landing, project_dir, list(dbt_args), options)
        return _locked_build(paths, landing, project_dir, list(dbt_args), lock, options, full_refresh)
    except BuildError as exc:
        _err(f"{exc}\n{_previous_publication_note(paths)}")
        return ExitCode.FAILED
    except KeyboardInterrupt:
        _err(f"interrupted; nothing was published. {_previous_publication_note(paths)}")
        raise
    finally:
        lock.release()


def _locked_build(
    paths: Paths,
    landing: Path,
    project_dir: Path,
    dbt_args: list[str],
    lock: BuildLock,
    options: Checks,
    full_refresh: bool,
) -> int:
    if lock.previous:
        _say(
            f"note: the previous build (pid {lock.previous.get('pid', '?')}, started "
            f"{lock.previous.get('started_at', '?')}) did not finish: it was killed or crashed. "
            "It published nothing; cleaning up after it."
        )
    prune_releases(paths)  # we hold the lock: any .partial folder is from a dead build

    started = utcnow()
    build_id = f"{started.strftime('%Y%m%dT%H%M%S%fZ')}-{os.getpid()}"
    check_internal_file_free(paths.warehouse)

    with landing_lock(landing):
        allowed_empty = _check_landing(landing, options)
        ledger = manifest.ledger_state(landing)
        versions = manifest.tool_versions()
        previous = read_manifest(paths.warehouse)
        # the code this build runs, hashed once and before dbt reads it: the plan judges it, and a file
        # changed during the build then makes the next build full, instead of being recorded as built
        computed = incremental.fingerprint(project_dir)
        plan = incremental.plan(
            landing,
            computed,
            previous,
            versions,
            full_refresh=full_refresh or "--full-refresh" in dbt_args,
            user_vars=any(a == "--vars" or a.startswith("--vars=") for a in dbt_args),
            warehouse=paths.warehouse,
        )
        code = unit_tests.fingerprint(project_dir)
        skip_unit_tests = unit_tests.passed_before(previous, code, versions)
        if plan.nothing_new and skip_unit_tests and not dbt_args and not _narrowed(previous):
            _say(
                f"nothing to build: build {previous['build_id']} was made from this landing state and this "
                "code, and nothing was delivered since, so its publication stays as it is (a rebuild would "
                "publish the same numbers; --full-refresh rebuilds anyway)"
            )
            return ExitCode.OK
        _say(plan.describe())
        _say(unit_tests.describe(skip_unit_tests))
        _say(f"running dbt build on {paths.warehouse} (landing {landing})")
        exit_code, run_results, target_path = dbt_runner.run_dbt(
            paths,
            landing,
            project_dir,
            [
                *dbt_args,
                *incremental.dbt_arguments(plan, dbt_args),
                *unit_tests.dbt_arguments(skip_unit_tests),
            ],
            incremental.dbt_environment(plan),
        )
    failed = dbt_runner.failed_nodes(run_results)
    if failed or exit_code != 0 or run_results is None:
        raise BuildError(dbt_runner.failure_message(exit_code, failed, run_results, target_path))

    current = current_release(paths)
    release = publish.new_release(paths, build_id)
    try:
        counts, withheld = publish.copy_published_interface(paths.warehouse, release)
        # before the swap: a refusal leaves all in place
        shrunk = refuse_shrink(previous, counts, options)
        for s in shrunk:
            _say(f"note: marts.{s.table} shrank from {s.before:,} to {s.after:,} rows (--allow-shrink)")
        manifest.write_manifest(
            release,
            {
                "build_id": build_id,
                "started_at": iso(started),
                "finished_at": iso(utcnow()),
                "previous_release": current.name if current else None,
                "versions": manifest.versions(run_results),
                "git_commit": manifest.git_commit(project_dir),
                "project_dir": str(project_dir),
                "internal_warehouse": str(paths.warehouse),
                "landing": {"path": str(landing), "ledger": ledger},
                "dbt": {
                    "args": dbt_args,
                    "invocation_id": run_results.get("metadata", {}).get("invocation_id"),
                    "elapsed_seconds": round(run_results.get("elapsed_time") or 0.0, 1),
                    "summary": manifest.summary(run_results.get("results", [])),
                },
                "incremental": {
                    **plan.as_manifest(),
                    "fingerprint": computed,
                    "versions": versions,
                    "ledger_records": ledger.get("deliveries", 0),
                },
                unit_tests.MANIFEST_KEY: unit_tests.record(
                    previous, code, versions, run_results, target_path, build_id
                ),
                "checks": {
                    "max_shrink_pct": options.max_shrink_pct,
                    "allow_shrink": options.allow_shrink,
                    "shrunk_tables": {s.table: {"before": s.before, "after": s.after} for s in shrunk},
                    "empty_extracts_allowed": allowed_empty,
                },
                "tables": counts,
                "withheld_cells": withheld,
            },
        )
        final = publish.finish_release(release)
    except BaseException:
        shutil.rmtree(release, ignore_errors=True)
        raise
    swap_published(paths, final)
    prune_releases(paths)
    rows = ", ".join(f"{t} {c['rows']}" for t, c in counts.items())
    _say(f"published build {build_id} to {paths.published}/ ({rows} rows)")
    return ExitCode.OK


def _narrowed(previous: dict | None) -> bool:
    """Whether the current publication came from a build given dbt arguments (a --select, say), which
    may have left models unbuilt: then a build with nothing new still runs dbt."""
    return bool(((previous or {}).get("dbt") or {}).get("args"))


def _engine_build(
    target: str, paths: Paths, landing: Path, project_dir: Path, dbt_args: list[str], options: Checks
) -> int:
    """The same checks and `dbt build` on PostgreSQL or Spark: the landed Parquet reaches the engine first
    (engines.py). Always a full build; the published tables are schema `marts` on the engine (no release)."""
    with landing_lock(landing):
        _check_landing(landing, options)
        if target == engines.POSTGRES:
            server = engines.PostgresServer.from_env()
            rows, seconds = engines.timed(engines.load_postgres, landing, server, paths.root / "tmp")
            _say(
                f"loaded {sum(rows.values()):,} landed rows of {len(rows)} sources into PostgreSQL "
                f"{server.host}:{server.port}/{server.dbname} in {seconds:.1f} s"
            )
        if target == engines.SPARK:
            # both the registration and dbt's session must open the same catalog
            os.environ.setdefault("BOERNEDATA_SPARK_WAREHOUSE", str(paths.root / "spark-warehouse"))
            os.environ.setdefault("BOERNEDATA_SPARK_METASTORE", str(paths.root / "spark-metastore"))
            _, seconds = engines.timed(engines.register_spark, landing)
            _say(f"registered the landed folders as external Parquet tables in Spark in {seconds:.1f} s")
        _say(f"running dbt build on {target} (landing {landing})")
        exit_code, run_results, target_path = dbt_runner.run_dbt(
            paths, landing, project_dir, ["--target", engines.DBT_TARGET[target], "--full-refresh", *dbt_args]
        )
    failed = dbt_runner.failed_nodes(run_results)
    if failed or exit_code != 0 or run_results is None:
        raise BuildError(dbt_runner.failure_message(exit_code, failed, run_results, target_path))
    tables = ", ".join(publish.PUBLISHED_TABLES)
    _say(
        f"built on {target}: the published tables are schema `marts` there ({tables}); "
        f"nothing was published to {paths.published}/ (a DuckDB-file release needs --target duckdb)"
    )
    return ExitCode.OK


def _check_landing(landing: Path, options: Checks) -> list[str]:
    """Before dbt, from the Parquet footers, so a bad landing folder fails in a second: refuse empty
    extracts and files of another version's schema; give every source at least a zero-row schema file.
    The extracts allowed to be empty, for the manifest."""
    allowed_empty = refuse_empty_sources(landing, options)
    if allowed_empty:
        _say(f"note: no rows landed for {', '.join(allowed_empty)}; allowed to be empty (--allow-empty)")
    refuse_foreign_schemas(landing)
    zone.write_schema_files(landing)
    return allowed_empty


def _previous_publication_note(paths: Paths) -> str:
    previous = read_manifest(paths.warehouse)
    if previous is None:
        return "There is no earlier publication yet."
    return (
        f"The previous publication from {previous.get('finished_at', '?')} "
        f"(build {previous.get('build_id')}) is still in place: {paths.published}/"
    )


def _say(message: str) -> None:
    say(PROG, message)


def _err(message: str) -> None:
    err(PROG, message)
