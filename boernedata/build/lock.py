"""Who may write, and when: the build lock, the landing zone's lock while dbt reads it, and the internal
warehouse file's own DuckDB lock.

- The build lock: flock(2) on `<warehouse dir>/.build.lock` (releases.py names it), non-blocking; one
  build or rollback at a time. The kernel releases it when the holder dies, even by SIGKILL, so a crash
  never leaves a lock that must be removed by hand; the file records the holder (pid, start), so the next
  build and `status` can tell a running build from a killed one.
- The landing zone's lock (landing_zone.py): a build holds it while dbt reads the zone, so a landing run
  cannot change the Parquet files under it.
- DuckDB allows one writer: a build fails early, with a message that says who to ask, when another
  process holds the internal file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import sys
import time
from pathlib import Path

from boernedata import landing_zone as zone
from boernedata.build.errors import BuildError
from boernedata.releases import iso, published_db, utcnow


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


def holder_note(lock: Path) -> str | None:
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


@contextlib.contextmanager
def landing_lock(landing: Path):
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


def check_internal_file_free(warehouse: Path, wait_for_dying: float = 15.0) -> None:
    """Fail early with a useful message when someone holds the internal file (dbt's own error is cryptic).

    A holder that is already dying (a dbt killed with its build: the kernel releases its lock as the
    process exits, which a loaded machine can take seconds to finish) is waited for, up to
    `wait_for_dying` seconds; a live holder is reported at once."""
    import duckdb

    deadline = time.monotonic() + wait_for_dying
    while True:
        try:
            duckdb.connect(str(warehouse)).close()
            return
        except duckdb.Error as exc:
            if "lock" not in str(exc).lower():
                raise BuildError(f"cannot open the internal warehouse {warehouse}: {exc}") from exc
            if _holder_is_dying(str(exc)) and time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            raise BuildError(
                f"the internal warehouse {warehouse} is open in another process, so dbt cannot write it.\n"
                f"  {str(exc).splitlines()[0]}\n"
                "Close that connection and run the build again. BI tools and ad-hoc queries should open "
                f"the published file instead: {published_db(warehouse)} (read-only)."
            ) from exc


def _holder_is_dying(message: str) -> bool:
    """DuckDB names the lock holder's PID: is that process gone, a zombie, or exiting?"""
    match = re.search(r"PID (\d+)", message)
    if not match:
        return False
    try:
        status = Path(f"/proc/{match.group(1)}/status").read_text()
    except OSError:
        return True  # gone: its lock is on its way out
    state = re.search(r"^State:\s+(\S)", status, re.MULTILINE)
    return bool(state) and state.group(1) in ("Z", "X")
