"""Finished responses kept per release: a release never changes once published, so the page drawn for
a URL from it is the same every time until `published` points elsewhere.

Kept: the page frame (`GET /_dash-layout`) and the router callback's answer (the page for a path and
query). The key is the release's identity (publication.py: its real path, inode, mtime and size) with
the request, so a swap makes every entry unreachable at once and the next load draws from the new
release; entries of old releases age out of the LRU. Bounded by bytes (`max_bytes`; 0 turns it off).
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class ResponseCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key: tuple) -> tuple[bytes, str] | None:
        if not self.enabled:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple, body: bytes, mimetype: str) -> None:
        if not self.enabled or len(body) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._entries[key] = (body, mimetype)
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._entries:
                _, (dropped, _) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)
