"""The publication's releases beside the internal warehouse: layout, lock, atomic swap, pruning, rollback
and `status`. `boernedata build` (build.py) writes a release; this module owns everything after that.

Layout beside the internal warehouse file (``warehouse/boernedata.duckdb``)::

    warehouse/
      boernedata.duckdb               internal warehouse (dbt writes it; data team only)
      published -> .releases/<id>     symlink: the current publication, what BI tools open
      .releases/<build_id>/           one complete release per successful build (KEEP_RELEASES are kept)
        boernedata.duckdb             schema marts, the published tables only
        <table>/<table>.parquet       the same tables as Parquet, one folder per table
        manifest.json                 when, from what, with which versions, test summary, row counts,
                                      withheld cells, and `previous_release`: the release it replaced
      .releases/<build_id>.partial/   a release being written (a killed build leaves one; pruned later)
      .build.lock                     flock held by the running build or rollback; its pid and start time
      .dbt/target, .dbt/logs          dbt's artifacts and logs for this warehouse

Safety:
- Swap: a release is complete and fsynced before `published` is re-pointed with os.replace() of a fresh
  symlink, which is atomic on POSIX: a reader resolves either the old or the new release, never a mix.
  A reader that already opened the old file keeps its open file; old releases are kept a while.
- Rollback: the same swap, under the same lock, to the release the current one replaced (its manifest's
  `previous_release`). So a second rollback goes one further back, and after a rollback and a new build,
  a rollback restores the release that was current before that build, never the one rolled back from.
- Kill: a killed build never touched the current release; it leaves at most a `.partial` folder and a
  stale lock record, which the next build reports and cleans up.
- Lock: flock(2) on `.build.lock`, non-blocking; the kernel releases it when the holder dies, even by
  SIGKILL, so a crash never leaves a lock that must be removed by hand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

PUBLISHED_DIR = "published"
PUBLISHED_DB = "boernedata.duckdb"
MANIFEST = "manifest.json"
RELEASES_DIR = ".releases"
PARTIAL_SUFFIX = ".partial"
LOCK_FILE = ".build.lock"
DBT_DIR = ".dbt"
# Releases kept: the current one and the ones it replaced, one after the other (what `rollback` can
# restore). A reader that opened an older file keeps working anyway (an unlinked file stays readable
# while open). At least 2, or there is nothing to roll back to.
KEEP_RELEASES = 3
assert KEEP_RELEASES >= 2
# The table whose rows `status` shows per release: the one every dashboard reads.
HEADLINE_TABLE = "institution_indicators"


class BuildError(RuntimeError):
    """A build, publishing or rollback step failed; the message says what and what to do."""


@dataclass(frozen=True)
class Paths:
    warehouse: Path  # the internal DuckDB file
    root: Path  # its directory

    @classmethod
    def of(cls, warehouse: Path) -> Paths:
        warehouse = Path(warehouse).expanduser().absolute()
        return cls(warehouse=warehouse, root=warehouse.parent)

    @property
    def published(self) -> Path:
        return self.root / PUBLISHED_DIR

    @property
    def published_db(self) -> Path:
        return self.published / PUBLISHED_DB

    @property
    def releases(self) -> Path:
        return self.root / RELEASES_DIR

    @property
    def lock(self) -> Path:
        return self.root / LOCK_FILE

    @property
    def dbt_target(self) -> Path:
        return self.root / DBT_DIR / "target"

    @property
    def dbt_logs(self) -> Path:
        return self.root / DBT_DIR / "logs"


def published_db(warehouse: Path) -> Path:
    """The published DuckDB file beside an internal warehouse file, as given (a relative path stays
    relative): what BI tools and `boernedata datapakke` open."""
    return Path(warehouse).parent / PUBLISHED_DIR / PUBLISHED_DB


# ---------------------------------------------------------------------------------------------------
# releases
# ---------------------------------------------------------------------------------------------------


def complete_releases(paths: Paths) -> list[Path]:
    """The complete releases, oldest first (build ids start with the UTC time: name order is build order)."""
    if not paths.releases.is_dir():
        return []
    return sorted(p for p in paths.releases.iterdir() if p.is_dir() and not p.name.endswith(PARTIAL_SUFFIX))


def current_release(paths: Paths) -> Path | None:
    """The release `published` points at, or None when nothing (or an old-style folder) is published."""
    if not paths.published.is_symlink() or not paths.published.exists():
        return None
    return paths.published.resolve()


def release_manifest(release: Path) -> dict | None:
    try:
        return json.loads((release / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def read_manifest(warehouse: Path) -> dict | None:
    """The manifest of the current publication."""
    return release_manifest(Paths.of(warehouse).published)


def predecessor(paths: Paths, release: Path) -> Path | None:
    """The release `release` replaced when it was published, if it is still kept.

    Its manifest names it (`previous_release`); a release from before that field (or without a manifest)
    takes the newest release older than itself."""
    manifest = release_manifest(release) or {}
    kept = {p.name: p for p in complete_releases(paths)}
    if "previous_release" in manifest:
        return kept.get(manifest["previous_release"] or "")
    older = [name for name in kept if name < release.name]
    return kept[max(older)] if older else None


def chain(paths: Paths, start: Path | None, length: int) -> list[Path]:
    """`start` and the releases before it, one replacing the next, at most `length` of them."""
    out: list[Path] = []
    release = start
    while release is not None and len(out) < length and release.resolve() not in out:
        out.append(release.resolve())
        release = predecessor(paths, release)
    return out


def swap_published(paths: Paths, release: Path) -> None:
    """Point `published` at the release in one atomic step (rename of a symlink over a symlink)."""
    published = paths.published
    if published.exists() and not published.is_symlink():
        # Older layout: a real folder. Moving it into .releases is a rename (open files stay valid); there
        # is a moment without `published` this one time, never again afterwards.
        # The "0-" prefix sorts it before every build id, so it is the first to be pruned.
        legacy = paths.releases / f"0-legacy-{utcnow().strftime('%Y%m%dT%H%M%S%fZ')}"
        legacy.parent.mkdir(parents=True, exist_ok=True)
        os.rename(published, legacy)
    tmp = paths.root / f".{PUBLISHED_DIR}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(release, paths.root), tmp)  # relative: the folder can be moved as a whole
    os.replace(tmp, published)
    fsync_dir(paths.root)


def prune_releases(paths: Paths) -> None:
    """Remove partial releases of dead builds, and every complete release but the current one and those
    before it (KEEP_RELEASES in all): what `rollback` can restore. A release rolled back from is not in
    that chain and goes with the next build. Nothing published: the newest KEEP_RELEASES stay."""
    if not paths.releases.is_dir():
        return
    for entry in paths.releases.iterdir():
        if entry.name.endswith(PARTIAL_SUFFIX):
            shutil.rmtree(entry, ignore_errors=True)
    complete = complete_releases(paths)
    current = current_release(paths)
    if current is not None:
        keep = set(chain(paths, current, KEEP_RELEASES))
    else:
        keep = {p.resolve() for p in complete[-KEEP_RELEASES:]}
    for entry in complete:
        if entry.resolve() not in keep:
            shutil.rmtree(entry, ignore_errors=True)


def fsync_tree(root: Path) -> None:
    """Flush the release to disk before it becomes visible: a power cut must not publish empty files."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(folder))


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------------
# rollback
# ---------------------------------------------------------------------------------------------------


def rollback(warehouse: Path, to: str | None = None) -> int:
    """Put the release the current one replaced (or release `to`) back in place, atomically, under the
    build lock. Returns an exit code: 0 done, 1 nothing to roll back to, 3 a build is running."""
    paths = Paths.of(warehouse)
    prog = "boernedata rollback"
    try:
        lock = BuildLock.acquire(paths.lock) if paths.root.is_dir() else None
    except BuildError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 3
    try:
        current = current_release(paths)
        if current is None:
            print(
                f"{prog}: nothing is published beside {paths.warehouse} (no {paths.published}/ release), "
                "so there is nothing to roll back. Run `boernedata build`.",
                file=sys.stderr,
            )
            return 1
        target, problem = _rollback_target(paths, current, to)
        if target is None:
            print(f"{prog}: {problem} Nothing changed: {describe(current)} stays published.", file=sys.stderr)
            return 1
        swap_published(paths, target)
        before = predecessor(paths, target)
        print(f"{prog}: restored {describe(target)}, in place of {describe(current)}.")
        print(
            f"{prog}: a further rollback would restore {describe(before)}."
            if before
            else f"{prog}: no release before it is kept, so a further rollback is not possible."
        )
        print(f"{prog}: the next `boernedata build` checks shrinking tables against the restored release.")
        return 0
    finally:
        if lock is not None:
            lock.release()


def _rollback_target(paths: Paths, current: Path, to: str | None) -> tuple[Path | None, str]:
    kept = {p.name: p for p in complete_releases(paths)}
    if to is not None:
        target = kept.get(to)
        if target is None:
            kept_ids = ", ".join(kept) or "none"
            return None, f"there is no release {to!r}; kept: {kept_ids} (see `boernedata status`)."
        if target.resolve() == current:
            return None, f"release {to} is already the current publication."
    else:
        target = predecessor(paths, current)
        if target is None:
            return None, (
                f"there is no previous release to roll back to: {current.name} replaced none that is still "
                f"kept (releases kept: {', '.join(kept) or 'none'}). `boernedata rollback --to <id>` "
                "restores a named one."
            )
    if release_manifest(target) is None or not (target / PUBLISHED_DB).exists():
        return None, f"release {target.name} is incomplete (no {MANIFEST} or {PUBLISHED_DB}); not restored."
    return target, ""


def describe(release: Path | None) -> str:
    """`release <id> (built <finished_at>, institution_indicators <rows> rows)`."""
    if release is None:
        return "no release"
    m = release_manifest(release) or {}
    rows = m.get("tables", {}).get(HEADLINE_TABLE, {}).get("rows")
    built = m.get("finished_at") or "unknown time"
    return f"release {release.name} (built {built}, {HEADLINE_TABLE} {_n(rows)} rows)"


def _n(value) -> str:
    return f"{value:,}" if isinstance(value, int) else "?"


# ---------------------------------------------------------------------------------------------------
# the lock
# ---------------------------------------------------------------------------------------------------


class BuildLock:
    """flock(2) on `.build.lock`; the file records the holder (pid, start) and is emptied on a clean exit.

    Not filelock: it truncates the file on open, which would erase the running build's record. A record
    found when the lock is acquired means its build died without cleaning up (killed or crashed).
    """

    def __init__(self, fd: int, previous: dict | None) -> None:
        self.fd = fd
        self.previous = previous

    @classmethod
    def acquire(cls, path: Path) -> BuildLock:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_record(fd)
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise BuildError(f"cannot lock {path}: {exc}") from exc
            raise BuildError(
                f"another build is running (pid {holder.get('pid', '?')}, started "
                f"{holder.get('started_at', '?')}, on {path.parent}). Wait for it to finish, or stop it "
                f"(kill {holder.get('pid', '<pid>')}) and run the build again. Nothing was changed."
            ) from None
        previous = _read_record(fd) or None
        record = {"pid": os.getpid(), "started_at": iso(utcnow()), "argv": sys.argv}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode("utf-8"), 0)
        return cls(fd, previous)

    def release(self) -> None:
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)  # a clean exit: no record left behind
        os.close(self.fd)  # closing drops the flock


def _read_record(fd: int) -> dict:
    try:
        data = os.pread(fd, 65536, 0)
        return json.loads(data) if data.strip() else {}
    except (OSError, ValueError):
        return {}


# ---------------------------------------------------------------------------------------------------
# status
# ---------------------------------------------------------------------------------------------------


def status(warehouse: Path) -> int:
    """Print the manifest of the current publication and the releases kept. Exit 1 when nothing has been
    published yet."""
    paths = Paths.of(warehouse)
    running = _lock_holder(paths.lock)
    manifest = read_manifest(paths.warehouse)
    if manifest is None:
        print(
            f"boernedata status: nothing has been published beside {paths.warehouse} yet "
            f"(no {paths.published / MANIFEST}). Run `boernedata build`.",
            file=sys.stderr,
        )
        if running:
            print(running, file=sys.stderr)
        return 1
    print(format_manifest(manifest, paths))
    print(format_releases(paths))
    if running:
        print(f"\n{running}")
    return 0


def _lock_holder(lock: Path) -> str | None:
    """Describe a running build, or a killed one, from the lock record (without taking the lock)."""
    try:
        record = json.loads(lock.read_text("utf-8") or "{}")
    except (OSError, ValueError):
        return None
    pid = record.get("pid")
    if not pid:
        return None
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    except PermissionError:
        alive = True
    if alive:
        return f"A build is running now (pid {pid}, started {record.get('started_at')})."
    return (
        f"The last build (pid {pid}, started {record.get('started_at')}) did not finish (killed or crashed); "
        "the publication above is from before it."
    )


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


# ---------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
