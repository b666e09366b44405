"""The manifest a release carries, and `boernedata status`, which shows it.

The manifest (`manifest.json` in each release, releases.py) says when the release was built, from which
landing state (a hash of the landing zone's ledger and its latest delivery), with which versions and git
commit, dbt's test summary, what the publication checks let through on purpose, the row counts of the
published tables and their withheld cells. `status` prints the current publication's manifest, the
releases kept (which one is current, which one `rollback` would restore) and a build running now or
killed before it finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from boernedata import __version__
from boernedata import landing_zone as zone
from boernedata.build.lock import holder_note
from boernedata.exit_codes import ExitCode
from boernedata.releases import (
    HEADLINE_TABLE,
    KEEP_RELEASES,
    MANIFEST,
    Paths,
    chain,
    complete_releases,
    current_release,
    read_manifest,
    release_manifest,
)


def write_manifest(release: Path, manifest: dict) -> None:
    (release / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")


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


def summary(results: list[dict]) -> dict[str, dict[str, int]]:
    """Counts by resource type and status, e.g. {"model": {"success": 12}, "test": {"pass": 40}}."""
    counts: dict[str, Counter] = {}
    for r in results:
        kind = r.get("unique_id", "?").split(".", 1)[0]
        counts.setdefault(kind, Counter())[r.get("status", "?")] += 1
    return {kind: dict(c) for kind, c in sorted(counts.items())}


def tool_versions() -> dict[str, str]:
    """The installed versions of dbt, dbt-duckdb and DuckDB (what an incremental build must not change)."""
    from importlib import metadata

    out = {}
    for dist in ("dbt-core", "dbt-duckdb", "duckdb"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "unknown"
    return out


def versions(run_results: dict) -> dict[str, str]:
    out = {"boernedata": __version__, **tool_versions()}
    # The dbt that actually ran says its own version.
    out["dbt-core"] = run_results.get("metadata", {}).get("dbt_version") or out["dbt-core"]
    out["python"] = sys.version.split()[0]
    return out


def git_commit(project_dir: Path) -> str | None:
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
# status
# ---------------------------------------------------------------------------------------------------


def status(warehouse: Path) -> int:
    """Print the manifest of the current publication and the releases kept. Exit 1 when nothing has been
    published yet."""
    paths = Paths.of(warehouse)
    running = holder_note(paths.lock)
    manifest = read_manifest(paths.warehouse)
    if manifest is None:
        print(
            f"boernedata status: nothing has been published beside {paths.warehouse} yet "
            f"(no {paths.published / MANIFEST}). Run `boernedata build`.",
            file=sys.stderr,
        )
        if running:
            print(running, file=sys.stderr)
        return ExitCode.FAILED
    print(format_manifest(manifest, paths))
    print(format_releases(paths))
    if running:
        print(f"\n{running}")
    return ExitCode.OK


def format_manifest(m: dict, paths: Paths) -> str:
    versions = m.get("versions", {})
    ledger = m.get("landing", {}).get("ledger", {})
    dbt_info = m.get("dbt", {})
    target = os.readlink(paths.published) if paths.published.is_symlink() else "(a folder)"
    lines = [
        f"Publication      {paths.published}/ -> {target}",
        f"Build            {m.get('build_id')}",
        f"Started          {m.get('started_at')}",
        f"Finished         {m.get('finished_at')}",
        "Versions         " + ", ".join(f"{k} {v}" for k, v in versions.items()),
        f"Git commit       {m.get('git_commit') or 'unknown'}",
        f"Landing          {m.get('landing', {}).get('path')}",
    ]
    if ledger.get("present"):
        lines.append(
            f"Landing ledger   {ledger.get('deliveries')} deliveries, sha256 {ledger['sha256'][:16]}…, "
            f"latest delivery landed {ledger.get('latest_delivery_at')} (run {ledger.get('latest_run_id')})"
        )
    else:
        lines.append("Landing ledger   none found")
    summary = dbt_info.get("summary", {})
    parts = [f"{kind}: " + ", ".join(f"{n} {s}" for s, n in sorted(c.items())) for kind, c in summary.items()]
    lines.append(f"dbt build        {'; '.join(parts) or 'no nodes'} ({dbt_info.get('elapsed_seconds')} s)")
    built = m.get("incremental")
    if built:
        since = f" from {built['since']}" if built.get("since") else ""
        lines.append(f"Build mode       {built.get('mode')}{since}: {built.get('reason')}")
    if "unit_tests" in m:
        tested = m["unit_tests"]
        lines.append(
            f"Unit tests       this code passed all {tested['passed']} in build {tested['build_id']}"
            if tested
            else "Unit tests       not all run and passed on this code: the next build runs them"
        )
    if dbt_info.get("args"):
        lines.append(f"dbt arguments    {' '.join(dbt_info['args'])}")
    lines += _format_checks(m.get("checks"))
    lines.append(f"Withheld cells   {format_withheld(m.get('withheld_cells'))}")
    lines.append("Tables (marts)   rows")
    for table, info in m.get("tables", {}).items():
        lines.append(f"  {table:<28} {info.get('rows'):>10}")
    return "\n".join(lines)


def _format_checks(checks: dict | None) -> list[str]:
    """What the publication guards let through on purpose (allowed empty extracts, an allowed shrink)."""
    if not checks:
        return []
    lines = []
    if checks.get("empty_extracts_allowed"):
        lines.append("Empty extracts   " + ", ".join(checks["empty_extracts_allowed"]) + " (allowed)")
    for table, s in (checks.get("shrunk_tables") or {}).items():
        lines.append(
            f"Shrunk table     {table}: {_n(s.get('before'))} -> {_n(s.get('after'))} rows "
            f"(published with --allow-shrink)"
        )
    return lines


def format_withheld(withheld: dict | None) -> str:
    """`institution_indicators 312 (n_lt_5 201, complementary 111) of 76,302; municipality_indicators …`."""
    if not withheld:
        return "not recorded (a publication from before the count)"
    parts = []
    for table, w in withheld.items():
        if not w.get("available"):
            parts.append(f"{table} not available ({w.get('reason', 'no suppression_reason column')})")
            continue
        reasons = ", ".join(f"{r} {_n(n)}" for r, n in sorted(w.get("by_reason", {}).items()))
        detail = f" ({reasons})" if reasons else ""
        parts.append(f"{table} {_n(w.get('withheld'))}{detail} of {_n(w.get('cells'))}")
    return "; ".join(parts)


def format_releases(paths: Paths) -> str:
    """The releases kept, newest first: id, when built, rows of institution_indicators, current and the
    rollback target marked."""
    current = current_release(paths)
    in_use = chain(paths, current, KEEP_RELEASES) if current else []
    lines = ["Releases kept    (newest first; `boernedata rollback` restores the one marked previous)"]
    for release in reversed(complete_releases(paths)):
        m = release_manifest(release) or {}
        rows = m.get("tables", {}).get(HEADLINE_TABLE, {}).get("rows")
        position = in_use.index(release.resolve()) if release.resolve() in in_use else None
        mark = {0: "current", 1: "previous"}.get(position, "")
        if current and position is None:
            mark = "not in use: the next build removes it"
        lines.append(
            f"  {release.name:<36} built {m.get('finished_at') or '?':<21} "
            f"{HEADLINE_TABLE} {_n(rows):>10} rows  {mark}".rstrip()
        )
    return "\n".join(lines)


def _n(value) -> str:
    return f"{value:,}" if isinstance(value, int) else "?"
