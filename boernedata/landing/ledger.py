"""The delivery ledger's records and its writer: one JSON line per file per run, append-only.

Where it lives, its statuses and reading it: boernedata/landing_zone.py (the build reads it too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from boernedata.landing_zone import ACCEPTED, REJECTED, ledger_file, read_ledger


@dataclass
class Delivery:
    file: str  # path under the raw folder
    extract: str  # system/extract, or "" for a file no contract matches
    period: str
    content_hash: str  # "blake3:<hex>" of the file's bytes: the same bytes delivered again are unchanged
    rows_read: int
    rows_landed: int
    rows_quarantined: int
    status: str  # landed | replaced | unchanged | rejected | held_shrunk (landing_zone.py)
    message: str
    landed_at: str  # UTC ISO timestamp of the run
    run_id: str
    seconds: float = 0.0
    rows_held: int = 0  # rows read of a held delivery (all of them: nothing of it lands)
    shrunk_from: int | None = None  # held or accepted shrink: the landed rows it replaces (would replace)
    accepted_shrink: bool = False  # landed on purpose with `land --accept-shrink`


class Ledger:
    def __init__(self, landing: Path) -> None:
        self.landing = Path(landing)
        self.path = ledger_file(self.landing)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._current: dict[tuple[str, str], dict] = {}
        self._lock = threading.Lock()  # files land on two threads
        self.last_landed_at: dt.datetime | None = None  # the latest run's time, UTC without a time zone
        for rec in read_ledger(self.landing):
            if rec["status"] in ACCEPTED:
                self._current[(rec["extract"], rec["period"])] = rec
            with contextlib.suppress(KeyError, TypeError, ValueError):
                landed_at = dt.datetime.fromisoformat(rec["landed_at"].removesuffix("Z"))
                self.last_landed_at = max(self.last_landed_at or landed_at, landed_at)

    def current(self, extract: str, period: str) -> dict | None:
        """The delivery whose rows are landed now for this extract and period."""
        return self._current.get((extract, period))

    def append(self, d: Delivery) -> None:
        assert d.status == REJECTED or d.rows_read == d.rows_landed + d.rows_quarantined + d.rows_held, d
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(d), ensure_ascii=False) + "\n")
            if d.status in ACCEPTED:
                self._current[(d.extract, d.period)] = asdict(d)

    def records(self) -> list[dict]:
        return read_ledger(self.landing)
