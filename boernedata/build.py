"""`boernedata build`: dbt build on the internal warehouse, then publish the marts safely.

Why a separate publication: DuckDB allows one writer or many readers, never both, has no users or grants,
and dbt-duckdb keeps its file open for the whole run. BI tools therefore never open the internal file
(staging, intermediate and restricted hold pseudonymized child-level rows). When every model and test has
passed and the publication checks hold (publish_checks.py: no landed extract without rows, no published
table shrunk by more than the set share), the published interface (indicators.md) is copied into a new
release and swapped in atomically. The releases, the lock, the swap, rollback and status: releases.py.
dbt runs in the build's process group and dies with its parent (PR_SET_PDEATHSIG), so it cannot keep the
internal file locked after a killed build.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from boernedata import __version__, publish_checks, settings
from boernedata import landing_zone as zone
from boernedata.releases import (
    MANIFEST,
    PARTIAL_SUFFIX,
    PUBLISHED_DB,
    BuildError,
    BuildLock,
    Paths,
    current_release,
    fsync_dir,
    fsync_tree,
    iso,
    prune_releases,
    published_db,
    read_manifest,
    swap_published,
    utcnow,
)

# The published interface (../shared/spec/indicators.md): these tables of schema `marts`, nothing else.
PUBLISHED_SCHEMA = "marts"
PUBLISHED_TABLES: tuple[str, ...] = (
    "institutions",
    "indicator_catalogue",
    "institution_indicators",
    "institution_indicators_labelled",
    "municipality_indicators",
    "institution_observations",
    "data_year_wheel",
)

# run_results statuses that mean the node did what it should. `warn` is a test configured as a warning.
OK_STATUSES = frozenset({"success", "pass", "warn", "no-op"})

PROG = "boernedata build"


@dataclass(frozen=True)
class Checks:
    """The publication checks of one build (settings.py names their flags and environment variables)."""

    max_shrink_pct: float = settings.DEFAULT_MAX_TABLE_SHRINK_PCT
    allow_shrink: bool = False  # publish even when a table shrank by more than max_shrink_pct
    allow_empty: tuple[str, ...] = field(default_factory=tuple)  # extracts the municipality does not deliver


# ---------------------------------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------------------------------


def build(
    landing: Path,
    warehouse: Path,
    dbt_args: list[str],
    *,
    project_dir: Path = settings.PROJECT_DIR,
    checks: Checks | None = None,
) -> int:
    """dbt build on the internal warehouse; publish the marts when everything passed and the publication
    checks hold. Returns an exit code."""
    paths = Paths.of(warehouse)
    landing = Path(landing).expanduser().absolute()
    project_dir = Path(project_dir).expanduser().absolute()
    checks = checks or Checks()
    if not landing.is_dir():
        _err(
            f"the landing folder {landing} does not exist. Run `boernedata land --landing {landing}` first "
            f"(or point --landing / ${settings.ENV_LANDING} at it)."
        )
        return 2
    unknown = publish_checks.unknown_extracts(list(checks.allow_empty))
    if unknown:
        _err(
            f"--allow-empty / ${settings.ENV_ALLOW_EMPTY} names {', '.join(unknown)}, which is no extract of "
            "the contracts; use `system/extract` as in the raw folder, e.g. aula/kommegaa."
        )
        return 2
    paths.root.mkdir(parents=True, exist_ok=True)
    try:
        lock = BuildLock.acquire(paths.lock)
    except BuildError as exc:
        _err(str(exc))
        return 3
    try:
        return _locked_build(paths, landing, project_dir, list(dbt_args), lock, checks)
    except BuildError as exc:
        _err(f"{exc}\n{_previous_publication_note(paths)}")
        return 1
    except KeyboardInterrupt:
        _err(f"interrupted; nothing was published. {_previous_publication_note(paths)}")
        raise
    finally:
        lock.release()


def _locked_build(
    paths: Paths, landing: Path, project_dir: Path, dbt_args: list[str], lock: BuildLock, checks: Checks
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
    _check_internal_file_free(paths.warehouse)

    with _landing_lock(landing):
        allowed_empty = _check_sources(landing, checks)  # before dbt: an empty landing fails in a second
        zone.write_schema_files(landing)  # every source gets at least a zero-row schema file
        ledger = ledger_state(landing)
        exit_code, run_results, target_path = _run_dbt(paths, landing, project_dir, dbt_args)
    results = (run_results or {}).get("results", [])
    failed = [r for r in results if r.get("status") not in OK_STATUSES]
    if failed or exit_code != 0 or run_results is None:
        raise BuildError(_failure_message(exit_code, failed, run_results, target_path))

    current = current_release(paths)
    release = _write_release(paths, build_id)
    try:
        counts, withheld = _copy_published_interface(paths.warehouse, release)
        shrunk = _check_shrink(paths, counts, checks)  # before the swap: a refusal leaves all in place
        manifest = {
            "build_id": build_id,
            "started_at": iso(started),
            "finished_at": iso(utcnow()),
            "previous_release": current.name if current else None,
            "versions": _versions(run_results),
            "git_commit": _git_commit(project_dir),
            "project_dir": str(project_dir),
            "internal_warehouse": str(paths.warehouse),
            "landing": {"path": str(landing), "ledger": ledger},
            "dbt": {
                "args": dbt_args,
                "invocation_id": run_results.get("metadata", {}).get("invocation_id"),
                "elapsed_seconds": round(run_results.get("elapsed_time") or 0.0, 1),
                "summary": _summary(results),
            },
            "checks": {
                "max_shrink_pct": checks.max_shrink_pct,
                "allow_shrink": checks.allow_shrink,
                "shrunk_tables": {s.table: {"before": s.before, "after": s.after} for s in shrunk},
                "empty_extracts_allowed": allowed_empty,
            },
            "tables": counts,
            "withheld_cells": withheld,
        }
        (release / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
        fsync_tree(release)
        final = _finish_release(release)
    except BaseException:
        shutil.rmtree(release, ignore_errors=True)
        raise
    swap_published(paths, final)
    prune_releases(paths)
    rows = ", ".join(f"{t} {c['rows']}" for t, c in counts.items())
    _say(f"published build {build_id} to {paths.published}/ ({rows} rows)")
    return 0


def _check_sources(landing: Path, checks: Checks) -> list[str]:
    """Refuse (BuildError) when a landed extract has no rows and is not allowed to be empty; the allowed
    empty ones, for the manifest."""
    from boernedata.contracts import EXTRACTS

    refused, allowed = publish_checks.empty_sources(landing, list(checks.allow_empty))
    if refused:
        raise BuildError(publish_checks.empty_sources_message(landing, refused, len(EXTRACTS)))
    if allowed:
        _say(f"note: no rows landed for {', '.join(allowed)}; allowed to be empty (--allow-empty)")
    return allowed


def _check_shrink(paths: Paths, counts: dict[str, dict], checks: Checks) -> list[publish_checks.Shrink]:
    """Refuse (BuildError) when a table shrank by more than the set share against the current
    publication, unless allowed; the shrunk tables published on purpose, for the manifest."""
    previous = read_manifest(paths.warehouse)
    shrunk = publish_checks.shrunk_tables(previous, counts, checks.max_shrink_pct)
    if shrunk and not checks.allow_shrink:
        raise BuildError(publish_checks.shrink_message(shrunk, previous, checks.max_shrink_pct))
    for s in shrunk:
        _say(f"note: marts.{s.table} shrank from {s.before:,} to {s.after:,} rows (--allow-shrink)")
    return shrunk


@contextlib.contextmanager
def _landing_lock(landing: Path):
    """Hold the landing zone's lock while dbt reads the zone, so a landing run cannot change the Parquet
    files under it."""
    from filelock import Timeout

    lock = zone.lock(landing, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise BuildError(
            f"a landing run (`boernedata land`) is writing {landing}; wait for it to finish, then build."
        ) from None
    try:
        yield
    finally:
        lock.release()


def _run_dbt(
    paths: Paths, landing: Path, project_dir: Path, dbt_args: list[str]
) -> tuple[int, dict | None, Path]:
    """Run `dbt build`, echo its output, return (exit code, run_results or None, target path)."""
    target = _user_flag(dbt_args, "--target-path") or paths.dbt_target
    target = Path(target) if Path(target).is_absolute() else project_dir / target
    target.mkdir(parents=True, exist_ok=True)
    paths.dbt_logs.mkdir(parents=True, exist_ok=True)
    (target / "run_results.json").unlink(missing_ok=True)  # never judge this build by an older run

    dbt_exe = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt_exe)] if dbt_exe.exists() else [sys.executable, "-m", "dbt.cli.main"]
    cmd += ["build", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    cmd += ["--target-path", str(paths.dbt_target), "--log-path", str(paths.dbt_logs), *dbt_args]
    env = dict(os.environ)
    env.update(
        {
            settings.ENV_LANDING: str(landing),
            settings.ENV_WAREHOUSE: str(paths.warehouse),
            "DBT_PROFILES_DIR": str(project_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": env.get("DBT_SEND_ANONYMOUS_USAGE_STATS", "False"),
        }
    )
    if not sys.stdout.isatty():  # no colour codes in logs and captured output
        env.setdefault("DBT_USE_COLORS", "False")
    # Not env DBT_TARGET_PATH/DBT_LOG_PATH of the caller: the flags above put them beside this warehouse.
    env.pop("DBT_TARGET_PATH", None)
    env.pop("DBT_LOG_PATH", None)
    _say(f"running dbt build on {paths.warehouse} (landing {landing})")
    # Same process group as this process (default): Ctrl-C reaches dbt, which cancels cleanly, and a
    # SIGKILL to the group kills both. PDEATHSIG covers a SIGKILL to this process alone.
    proc = subprocess.Popen(
        cmd,  # run in the caller's directory: relative paths in the user's dbt arguments mean what they say
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
        preexec_fn=_die_with_parent,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
        exit_code = proc.wait()
    except BaseException:
        # KeyboardInterrupt: dbt got the SIGINT too; give it time to cancel its queries and exit.
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        raise
    run_results = None
    with contextlib.suppress(OSError, ValueError):
        run_results = json.loads((target / "run_results.json").read_text("utf-8"))
    return exit_code, run_results, target


def _die_with_parent() -> None:
    """In the dbt child: get SIGKILL when the build process dies (Linux), so dbt never outlives it."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent already died before prctl took effect
            os._exit(1)


def _user_flag(args: list[str], flag: str) -> str | None:
    value = None
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(flag + "="):
            value = arg.split("=", 1)[1]
    return value


def _check_internal_file_free(warehouse: Path) -> None:
    """Fail early with a useful message when someone holds the internal file (dbt's own error is cryptic)."""
    import duckdb

    try:
        duckdb.connect(str(warehouse)).close()
    except duckdb.Error as exc:
        if "lock" not in str(exc).lower():
            raise BuildError(f"cannot open the internal warehouse {warehouse}: {exc}") from exc
        raise BuildError(
            f"the internal warehouse {warehouse} is open in another process, so dbt cannot write it.\n"
            f"  {str(exc).splitlines()[0]}\n"
            "Close that connection and run the build again. BI tools and ad-hoc queries should open "
            f"the published file instead: {published_db(warehouse)} (read-only)."
        ) from exc


def _failure_message(exit_code: int, failed: list[dict], run_results: dict | None, target: Path) -> str:
    if run_results is None:
        return (
            f"dbt build failed (exit code {exit_code}) before it ran any model or test (see the dbt output "
            f"above; no {target / 'run_results.json'} was written). Nothing was published."
        )
    broken = [r for r in failed if r.get("status") != "skipped"]
    # Skipped models say more than the tests skipped with them: list them first.
    skipped = sorted(
        (_node_label(r) for r in failed if r.get("status") == "skipped"),
        key=lambda n: not n.startswith("model"),
    )
    lines = [f"  {_node_label(r)} {_failure_detail(r)}" for r in broken]
    if len(lines) > 20:
        lines[20:] = [f"  ... and {len(lines) - 20} more (see {target / 'run_results.json'})"]
    if skipped:
        shown = ", ".join(skipped[:4]) + (f" and {len(skipped) - 4} more" if len(skipped) > 4 else "")
        lines.append(f"  {len(skipped)} node(s) skipped because of this: {shown}")
    if not failed:
        lines.append("  (every node passed, but dbt failed: see its output above)")
    head = (
        f"dbt build failed: {len(broken)} node(s) did not pass" if broken else f"dbt exited with {exit_code}"
    )
    return f"{head}; nothing was published.\n" + "\n".join(lines)


def _node_label(result: dict) -> str:
    """`data test not_null_x`, `model int_y`, `unit test test_z` from a run_results entry."""
    parts = result.get("unique_id", "?").split(".")
    kind = {"test": "data test", "unit_test": "unit test"}.get(parts[0], parts[0])
    name = parts[2] if parts[0] == "test" and len(parts) > 2 else parts[-1]
    return f"{kind} {name}"


def _failure_detail(result: dict) -> str:
    status = result.get("status")
    if status == "fail" and result.get("failures") is not None:
        return f"failed: {result['failures']} rows"
    # dbt's message starts with a generic "Runtime Error in model x (path)" line; the cause follows.
    message = [line.strip() for line in (result.get("message") or "").splitlines() if line.strip()]
    if len(message) > 1 and message[0].lower().startswith(
        ("runtime error", "database error", "compilation error")
    ):
        message = message[1:]
    return f"{status}: {' '.join(message[:2]) or 'no message'}"


def _previous_publication_note(paths: Paths) -> str:
    manifest = read_manifest(paths.warehouse)
    if manifest is None:
        return "There is no earlier publication yet."
    return (
        f"The previous publication from {manifest.get('finished_at', '?')} "
        f"(build {manifest.get('build_id')}) is still in place: {paths.published}/"
    )


# ---------------------------------------------------------------------------------------------------
# publishing
# ---------------------------------------------------------------------------------------------------


def _write_release(paths: Paths, build_id: str) -> Path:
    release = paths.releases / f"{build_id}{PARTIAL_SUFFIX}"
    release.mkdir(parents=True)
    return release


def _copy_published_interface(internal: Path, release: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """Copy the published tables (and their dbt descriptions) from the internal file into the release;
    return their row counts and their withheld cells."""
    import duckdb

    con = duckdb.connect(str(release / PUBLISHED_DB))
    try:
        con.execute(f"ATTACH {_sql_string(str(internal))} AS internal (READ_ONLY)")
        present = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'internal' AND schema_name = ? "
                "UNION ALL SELECT view_name FROM duckdb_views() "
                "WHERE database_name = 'internal' AND schema_name = ?",
                [PUBLISHED_SCHEMA, PUBLISHED_SCHEMA],
            ).fetchall()
        }
        missing = [t for t in PUBLISHED_TABLES if t not in present]
        if missing:
            raise BuildError(
                f"the internal warehouse has no {', '.join(f'{PUBLISHED_SCHEMA}.{t}' for t in missing)}: "
                "every table of the published interface (indicators.md) must be built by the dbt project. "
                "Nothing was published."
            )
        con.execute(f"CREATE SCHEMA {PUBLISHED_SCHEMA}")
        counts: dict[str, dict] = {}
        for table in PUBLISHED_TABLES:
            qualified = f"{PUBLISHED_SCHEMA}.{table}"
            con.execute(f"CREATE TABLE {qualified} AS SELECT * FROM internal.{qualified}")
            _copy_comments(con, table)
            folder = release / table
            folder.mkdir()
            parquet = folder / f"{table}.parquet"
            con.execute(f"COPY {qualified} TO {_sql_string(str(parquet))} (FORMAT parquet, COMPRESSION zstd)")
            rows = con.execute(f"SELECT count(*) FROM {qualified}").fetchone()[0]
            columns = con.execute(
                "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() "
                "AND schema_name = ? AND table_name = ?",
                [PUBLISHED_SCHEMA, table],
            ).fetchone()[0]
            counts[table] = {"rows": rows, "columns": columns, "parquet": f"{table}/{parquet.name}"}
        con.execute("DETACH internal")
        withheld = publish_checks.withheld_cells(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts, withheld


def _copy_comments(con, table: str) -> None:
    """dbt's persist_docs wrote the model descriptions as comments; BI tools show them, so keep them."""
    row = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = 'internal' AND schema_name = ? "
        "AND table_name = ?",
        [PUBLISHED_SCHEMA, table],
    ).fetchone()
    qualified = f"{PUBLISHED_SCHEMA}.{table}"
    if row and row[0]:
        con.execute(f"COMMENT ON TABLE {qualified} IS {_sql_string(row[0])}")
    for column, comment in con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = 'internal' "
        "AND schema_name = ? AND table_name = ? AND comment IS NOT NULL AND comment <> ''",
        [PUBLISHED_SCHEMA, table],
    ).fetchall():
        con.execute(f'COMMENT ON COLUMN {qualified}."{column}" IS {_sql_string(comment)}')


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _finish_release(release: Path) -> Path:
    final = release.with_name(release.name.removesuffix(PARTIAL_SUFFIX))
    os.rename(release, final)
    fsync_dir(final.parent)
    return final


# ---------------------------------------------------------------------------------------------------
# manifest and status
# ---------------------------------------------------------------------------------------------------


def ledger_state(landing: Path) -> dict:
    """Identify the landing state a build read: a hash of the ledger folder (landing_zone.py) and the
    ledger's latest delivery. Absent or unreadable parts are tolerated: the manifest then says less, the
    build does not fail over it.
    """
    ledger = zone.ledger_dir(landing)
    files = sorted(p for p in ledger.rglob("*") if p.is_file() and p.name != zone.LOCK_FILE)
    if not files:
        return {"path": str(ledger), "present": False}
    digest = hashlib.sha256()
    for p in files:
        digest.update(str(p.relative_to(ledger)).encode("utf-8") + b"\0")
        with p.open("rb") as f:
            for chunk in iter(lambda f=f: f.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    records = zone.read_ledger(landing, tolerant=True)
    landed = [r for r in records if r.get("status") in zone.ACCEPTED and r.get("landed_at")]
    latest = max(landed, key=lambda r: str(r["landed_at"]), default=None)
    return {
        "path": str(ledger),
        "present": True,
        "files": len(files),
        "sha256": digest.hexdigest(),
        "deliveries": len(records),
        "latest_delivery_at": latest["landed_at"] if latest else None,
        "latest_run_id": latest.get("run_id") if latest else None,
    }


def _summary(results: list[dict]) -> dict[str, dict[str, int]]:
    """Counts by resource type and status, e.g. {"model": {"success": 12}, "test": {"pass": 40}}."""
    counts: dict[str, Counter] = {}
    for r in results:
        kind = r.get("unique_id", "?").split(".", 1)[0]
        counts.setdefault(kind, Counter())[r.get("status", "?")] += 1
    return {kind: dict(c) for kind, c in sorted(counts.items())}


def _versions(run_results: dict) -> dict[str, str]:
    from importlib import metadata

    out = {"boernedata": __version__}
    for dist in ("dbt-core", "dbt-duckdb", "duckdb"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "unknown"
    # The dbt that actually ran says its own version.
    out["dbt-core"] = run_results.get("metadata", {}).get("dbt_version") or out["dbt-core"]
    out["python"] = sys.version.split()[0]
    return out


def _git_commit(project_dir: Path) -> str | None:
    try:
        head = subprocess.run(
            ["git", "-C", str(project_dir), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "-C", str(project_dir), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


# ---------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(f"{PROG}: {message}", flush=True)


def _err(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)
