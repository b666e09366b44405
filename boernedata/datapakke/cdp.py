"""A tiny Chrome DevTools Protocol client over `--remote-debugging-pipe` (no websocket library needed).

Chromium reads NUL-terminated JSON commands on file descriptor 3 and writes responses and events on
descriptor 4. One headless browser prints many packages to PDF (much faster than one process per file or
WeasyPrint).

Kept for the PDFs although the browser tests drive Chromium with Playwright: printing the 653 packages of
a Copenhagen-size period took 6-19 % longer through Playwright (docs/benchmarks.md). The executable and
the flags are boernedata/chromium.py's, as for Playwright.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import itertools
import json
import os
import subprocess
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path

from boernedata import chromium


def find_chromium() -> str | None:
    return chromium.find()


class CDPError(RuntimeError):
    pass


class Browser:
    """A headless Chromium driven over the DevTools pipe. Use as a context manager."""

    def __init__(self, executable: str | None = None, timeout: float = 60.0):
        self.executable = executable or find_chromium()
        if not self.executable:
            raise CDPError(chromium.INSTALL_HINT)
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._pending: dict[int, Future] = {}
        self._events: dict[str | None, list[dict]] = {}
        self._cond = threading.Condition()
        self._lock = threading.Lock()

    def __enter__(self) -> Browser:
        self._profile = tempfile.TemporaryDirectory(prefix="boernedata-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # Move the child's ends above 4 first, so dup2 onto 3 and 4 cannot clobber one of them.
        child_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def _fds() -> None:  # in the child, before exec: the pipe ends become fds 3 and 4
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        self._proc = subprocess.Popen(
            [
                self.executable,
                "--headless",
                *chromium.LAUNCH_ARGS,
                "--remote-debugging-pipe",
                f"--user-data-dir={self._profile.name}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_fds,  # only dup2 in the child, no locks
            pass_fds=(3, 4),
        )
        os.close(child_r)
        os.close(child_w)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):  # it may already be gone; the wait below settles it
            self.call("Browser.close", timeout=5)
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._to_child)
        self._profile.cleanup()

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._from_child, "rb", buffering=0) as stream:
            while True:
                chunk = stream.read(1 << 16)
                if not chunk:
                    break
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for raw in messages:
                    self._dispatch(json.loads(raw))
        with self._lock:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(CDPError("Chromium exited"))

    def _dispatch(self, message: dict) -> None:
        if "id" in message:
            with self._lock:
                future = self._pending.pop(message["id"], None)
            if future is not None:
                if "error" in message:
                    future.set_exception(CDPError(message["error"].get("message", str(message["error"]))))
                else:
                    future.set_result(message.get("result", {}))
            return
        with self._cond:
            self._events.setdefault(message.get("sessionId"), []).append(message)
            self._cond.notify_all()

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> Future:
        command_id = next(self._ids)
        message = {"id": command_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        future: Future = Future()
        with self._lock:
            self._pending[command_id] = future
            os.write(self._to_child, json.dumps(message).encode() + b"\0")
        return future

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout=None) -> dict:
        return self.send(method, params, session).result(timeout or self.timeout)

    def wait_event(self, session: str, method: str, timeout: float | None = None) -> dict:
        """Wait for (and consume) the first event `method` of the session."""
        with self._cond:
            found = self._cond.wait_for(
                lambda: self._find(session, method) is not None, timeout or self.timeout
            )
            if not found:
                raise CDPError(f"timed out waiting for {method}")
            event = self._find(session, method)
            self._events[session].remove(event)
            return event

    def _find(self, session: str, method: str) -> dict | None:
        return next((e for e in self._events.get(session, []) if e["method"] == method), None)

    # --- pages -----------------------------------------------------------------------------------------

    def open_page(self) -> Page:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.call(domain, session=session)
        return Page(self, target, session)


class Page:
    def __init__(self, browser: Browser, target: str, session: str):
        self.browser, self.target, self.session = browser, target, session

    def goto(self, path_or_url: str | Path) -> None:
        url = (
            path_or_url
            if isinstance(path_or_url, str) and "://" in path_or_url
            else Path(path_or_url).resolve().as_uri()
        )
        result = self.browser.call("Page.navigate", {"url": url}, self.session)
        if result.get("errorText"):
            raise CDPError(f"{url}: {result['errorText']}")
        self.browser.wait_event(self.session, "Page.loadEventFired")

    def pdf(self, out: Path) -> None:
        result = self.browser.call(
            "Page.printToPDF",
            {"printBackground": True, "preferCSSPageSize": True, "generateDocumentOutline": False},
            self.session,
        )
        tmp = out.with_suffix(".pdf.tmp")
        tmp.write_bytes(base64.b64decode(result["data"]))
        os.replace(tmp, out)

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self.target})
