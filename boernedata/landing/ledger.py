"""The delivery ledger: one JSON line per file per run, append-only, under <landing>/_ledger/."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

LEDGER_DIR = "_ledger"
LEDGER_FILE = "deliveries.jsonl"
ACCEPTED = ("landed", "replaced", "unchanged")  # statuses whose rows are the landed ones of the period


@dataclass
class Delivery:
    file: str  # path under the raw folder
    extract: str  # system/extract, or "" for a file no contract matches
    period: str
    content_hash: str  # "blake3:<hex>" of the file's bytes: the same bytes delivered again are unchanged
    rows_read: int
    rows_landed: int
    rows_quarantined: int
    status: str  # landed | replaced | unchanged | rejected | held_shrunk (landing/hold.py)
    message: str
    landed_at: str  # UTC ISO timestamp of the run
    run_id: str
    seconds: float = 0.0
    rows_held: int = 0  # rows read of a held delivery (all of them: nothing of it lands)
    shrunk_from: int | None = None  # held or accepted shrink: the landed rows it replaces (would replace)
    accepted_shrink: bool = False  # landed on purpose with `land --accept-shrink`


class Ledger:
    def __init__(self, landing: Path) -> None:
        self.path = Path(landing) / LEDGER_DIR / LEDGER_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._current: dict[tuple[str, str], dict] = {}
        self._lock = threading.Lock()  # files land on two threads
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    if rec["status"] in ACCEPTED:
                        self._current[(rec["extract"], rec["period"])] = rec

    def current(self, extract: str, period: str) -> dict | None:
        """The delivery whose rows are landed now for this extract and period."""
        return self._current.get((extract, period))

    def append(self, d: Delivery) -> None:
        assert d.status == "rejected" or d.rows_read == d.rows_landed + d.rows_quarantined + d.rows_held, d
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(d), ensure_ascii=False) + "\n")
            if d.status in ACCEPTED:
                self._current[(d.extract, d.period)] = asdict(d)

    def records(self) -> list[dict]:
        return [json.loads(x) for x in self.path.read_text(encoding="utf-8").splitlines() if x.strip()]
