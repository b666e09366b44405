"""Read-only access to the published DuckDB file, and only to it: the dashboard's one way to data.

`Publication(path)` is given the published file (`warehouse/published/boernedata.duckdb`: a path through
the `published` symlink, releases.py). Every request asks it for a `Snapshot`, and it resolves the
path again first: while `published` points at the same release, the request gets a cursor on the
release's already open read-only database (a pool of one database per release); once a build or a
rollback has swapped the link, the next request opens the new release and the old database is closed
as soon as no request uses it any more. So the next page load after a swap shows the new data, a page
is always rendered from one release (never half of each), and a build is never locked out: it writes a
new release file and never opens one that a reader holds (docs/architecture.md, "Publishing").

A file that is not a publication is refused before any query: one with the internal warehouse's schemas
(staging, intermediate, restricted: child-level rows) or without the published tables the pages read.
The database is opened read-only with external access off, so no query can reach another file.

Everything read per release is immutable, so `Snapshot.cached(key, compute)` keeps what every page
needs (the catalogue, the periods, the register) per release; the cache goes with the release.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from boernedata import releases

SCHEMA = "marts"
# Tables the pages read (the published interface, indicators.md); `institution_watch_list` is optional.
REQUIRED_TABLES = (
    "institutions",
    "indicator_catalogue",
    "institution_indicators_labelled",
    "municipality_indicators",
    "institution_observations",
    "data_year_wheel",
)
WATCH_LIST = "institution_watch_list"
# Schemas that only the internal warehouse has: child-level rows. The dashboard never opens such a file.
INTERNAL_SCHEMAS = ("staging", "intermediate", "restricted", "snapshots")
# Per release: a dashboard is one of many readers on a shared machine.
DUCKDB_CONFIG = {
    "enable_external_access": False,
    "threads": 1,
    "memory_limit": "1GB",
}


class NotPublished(RuntimeError):
    """The file is missing or is not a publication: the dashboard says so in Danish and serves no data."""


@dataclass
class _Release:
    identity: tuple
    real_path: str
    database: duckdb.DuckDBPyConnection
    manifest: dict
    users: int = 0
    retired: bool = False
    cache: dict[Any, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Snapshot:
    """One request's view of one release: parameterized queries only."""

    cursor: duckdb.DuckDBPyConnection
    release: _Release

    @property
    def release_id(self) -> str:
        return Path(self.release.real_path).parent.name

    @property
    def identity(self) -> tuple:
        return self.release.identity

    @property
    def manifest(self) -> dict:
        return self.release.manifest

    def rows(self, sql: str, params: dict | list | None = None) -> list[dict]:
        cur = self.cursor.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def values(self, sql: str, params: dict | list | None = None) -> list[tuple]:
        return self.cursor.execute(sql, params or []).fetchall()

    def has_table(self, table: str) -> bool:
        return table in self.cached(("tables",), self._tables)

    def _tables(self) -> frozenset[str]:
        return frozenset(
            t
            for (t,) in self.values(
                "select table_name from information_schema.tables where table_schema = $schema",
                {"schema": SCHEMA},
            )
        )

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()` once per release (its data never change); concurrent first calls may both compute."""
        cache = self.release.cache
        if key not in cache:
            value = compute()
            with self.release.lock:
                cache.setdefault(key, value)
        return cache[key]


class Publication:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._current: _Release | None = None

    def identity(self) -> tuple | None:
        """What a release is known by (real path, inode, mtime, size): a new value after every swap. None
        when there is no file."""
        try:
            return self._identity()[1]
        except NotPublished:
            return None

    def _identity(self) -> tuple[str, tuple]:
        try:
            real = os.path.realpath(self.path)
            st = os.stat(real)
        except OSError as exc:
            raise NotPublished(f"{self.path}: no such file") from exc
        return real, (real, st.st_ino, st.st_mtime_ns, st.st_size)

    def _acquire(self) -> _Release:
        real, identity = self._identity()
        with self._lock:
            current = self._current
            if current is None or current.identity != identity:
                fresh = _open(real, identity)
                if current is not None:
                    current.retired = True
                    _close_if_unused(current)
                self._current = current = fresh
            current.users += 1
            return current

    def _release(self, release: _Release) -> None:
        with self._lock:
            release.users -= 1
            _close_if_unused(release)

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        release = self._acquire()
        try:
            cursor = release.database.cursor()
            try:
                yield Snapshot(cursor, release)
            finally:
                cursor.close()
        finally:
            self._release(release)

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                _close_if_unused(self._current)
                self._current = None


def _close_if_unused(release: _Release) -> None:
    if release.retired and release.users == 0:
        release.database.close()


def _open(real: str, identity: tuple) -> _Release:
    try:
        database = duckdb.connect(real, read_only=True, config=dict(DUCKDB_CONFIG))
    except duckdb.Error as exc:
        raise NotPublished(f"{real}: cannot open it read-only ({exc})") from exc
    try:
        check(database, real)
    except NotPublished:
        database.close()
        raise
    return _Release(identity, real, database, releases.release_manifest(Path(real).parent) or {})


def check(database: duckdb.DuckDBPyConnection, where: str) -> None:
    """Refuse the internal warehouse (child-level schemas) and a file without the published tables."""
    schemas = {
        s for (s,) in database.execute("select schema_name from information_schema.schemata").fetchall()
    }
    internal = sorted(schemas & set(INTERNAL_SCHEMAS))
    if internal:
        raise NotPublished(
            f"{where} has schema(s) {', '.join(internal)}: that is the internal warehouse, with child-level "
            "rows. The dashboard opens only the published file "
            f"(<warehouse folder>/{releases.PUBLISHED_DIR}/{releases.PUBLISHED_DB})."
        )
    tables = {
        t
        for (t,) in database.execute(
            "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]
        ).fetchall()
    }
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise NotPublished(
            f"{where}: not a boernedata publication: {', '.join(f'{SCHEMA}.{t}' for t in missing)} missing. "
            "Run `boernedata build` with this version."
        )
