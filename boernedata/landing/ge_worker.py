"""The Great Expectations worker process: `python -m boernedata.landing.ge_worker`.

Importing GE takes seconds and validating competes with landing for the interpreter, so validation runs
in a child process on the machine's other core. Protocol on stdin/stdout: 8-byte big-endian length, then a
pickle; requests are (job id, extract key, Arrow table), replies (job id, results or an error text).
A plain subprocess, not multiprocessing: spawn would re-run an unguarded calling script, fork after
Arrow's thread pools started is unsafe.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading

_HEADER = struct.Struct(">Q")


def _read_msg(stream) -> object | None:
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (n,) = _HEADER.unpack(head)
    data = stream.read(n)
    return pickle.loads(data) if len(data) == n else None


def _write_msg(stream, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def main() -> int:
    # The protocol owns the real stdout; anything GE prints goes to stderr instead.
    proto_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    from boernedata.landing.validation import validate, warm_up

    warm_up()
    stdin = sys.stdin.buffer
    while (msg := _read_msg(stdin)) is not None:
        job, key, table = msg
        try:
            reply = (job, validate(key, table))
        except Exception as exc:  # reported by the parent, which validates in process instead
            reply = (job, f"{type(exc).__name__}: {exc}")
        _write_msg(proto_out, reply)
    return 0


class Worker:
    """Parent side: submit() queues a job and returns its id; result(id) waits for the reply."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "boernedata.landing.ge_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._next = 0
        self._replies: dict[int, object] = {}
        self._cond = threading.Condition()
        self._outbox: list[tuple] = []
        self._closed = False
        threading.Thread(target=self._reader, daemon=True).start()
        threading.Thread(target=self._writer, daemon=True).start()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def submit(self, key: str, table) -> int:
        with self._cond:
            job = self._next
            self._next += 1
            self._outbox.append((job, key, table))
            self._cond.notify_all()
        return job

    def result(self, job: int, timeout: float = 600) -> object:
        """The reply, or an error text when the worker died or timed out."""
        with self._cond:
            ok = self._cond.wait_for(lambda: job in self._replies or not self.alive(), timeout=timeout)
            if job in self._replies:
                return self._replies.pop(job)
        return "the Great Expectations worker stopped" if ok else "the Great Expectations worker timed out"

    def _writer(self) -> None:  # a thread, so landing never blocks on a full pipe
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._outbox or self._closed)
                if not self._outbox:
                    break
                msg = self._outbox.pop(0)
            try:
                _write_msg(self.proc.stdin, msg)
            except (BrokenPipeError, OSError):
                break
        with contextlib.suppress(OSError):
            self.proc.stdin.close()

    def _reader(self) -> None:
        while (msg := _read_msg(self.proc.stdout)) is not None:
            with self._cond:
                self._replies[msg[0]] = msg[1]
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


_WORKER = None


def shared_worker():
    """One GE worker process per Python process, started on first use and reused by later runs."""
    global _WORKER
    if _WORKER is None or not _WORKER.alive():
        import atexit

        _WORKER = Worker()
        atexit.register(_WORKER.close)
    return _WORKER


def stop_worker() -> None:
    """Stop the GE worker and wait for it to exit (a later run starts another)."""
    global _WORKER
    if _WORKER is not None:
        _WORKER.close()  # its input closes: it exits
        _WORKER.proc.wait()
        _WORKER = None


if __name__ == "__main__":
    sys.exit(main())
