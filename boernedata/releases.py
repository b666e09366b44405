"""The publication's layout and its releases: where the published file, the releases, the manifest, the
build lock and dbt's artifacts are, which release is current, the atomic swap and pruning. A build
(boernedata/build/) writes a release and swaps it in; `rollback` swaps an earlier one back; `status`,
the CLI and the data packages find the publication here.

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
      .build.lock                     flock held by the running build or rollback (build/lock.py)
      .dbt/target, .dbt/logs          dbt's artifacts and logs for this warehouse

Safety:
- Swap: a release is complete and fsynced before `published` is re-pointed with os.replace() of a fresh
  symlink, which is atomic on POSIX: a reader resolves either the old or the new release, never a mix.
  A reader that already opened the old file keeps its open file; old releases are kept a while.
- Rollback (build/rollback.py): the same swap, under the same lock, to the release the current one
  replaced (its manifest's `previous_release`).
- Kill: a killed build never touched the current release; it leaves at most a `.partial` folder and a
  stale lock record, which the next build reports and cleans up.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
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
# helpers
# ---------------------------------------------------------------------------------------------------


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
