"""`boernedata rollback`: put the release the current one replaced (or a named one) back in place.

The same atomic swap as a build's (releases.swap_published), under the same lock (lock.py), to the
release the current one replaced (its manifest's `previous_release`). So a second rollback goes one
further back, and after a rollback and a new build, a rollback restores the release that was current
before that build, never the one rolled back from. `--to RELEASE` restores a named one (e.g. to undo a
rollback).
"""

from __future__ import annotations

import sys
from pathlib import Path

from boernedata.build.errors import BuildError
from boernedata.build.lock import BuildLock
from boernedata.exit_codes import ExitCode
from boernedata.releases import (
    MANIFEST,
    PUBLISHED_DB,
    Paths,
    complete_releases,
    current_release,
    describe,
    predecessor,
    release_manifest,
    swap_published,
)


def rollback(warehouse: Path, to: str | None = None) -> int:
    """Put the release the current one replaced (or release `to`) back in place, atomically, under the
    build lock. Returns an exit code: 0 done, 1 nothing to roll back to, 3 a build is running."""
    paths = Paths.of(warehouse)
    prog = "boernedata rollback"
    try:
        lock = BuildLock.acquire(paths.lock) if paths.root.is_dir() else None
    except BuildError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return ExitCode.BUSY
    try:
        current = current_release(paths)
        if current is None:
            print(
                f"{prog}: nothing is published beside {paths.warehouse} (no {paths.published}/ release), "
                "so there is nothing to roll back. Run `boernedata build`.",
                file=sys.stderr,
            )
            return ExitCode.FAILED
        target, problem = _rollback_target(paths, current, to)
        if target is None:
            print(f"{prog}: {problem} Nothing changed: {describe(current)} stays published.", file=sys.stderr)
            return ExitCode.FAILED
        swap_published(paths, target)
        before = predecessor(paths, target)
        print(f"{prog}: restored {describe(target)}, in place of {describe(current)}.")
        print(
            f"{prog}: a further rollback would restore {describe(before)}."
            if before
            else f"{prog}: no release before it is kept, so a further rollback is not possible."
        )
        print(f"{prog}: the next `boernedata build` checks shrinking tables against the restored release.")
        return ExitCode.OK
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
