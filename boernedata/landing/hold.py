"""Holding shrunken re-deliveries: what a delivery is compared with, when it is held, where it is kept.

A delivery replaces landed rows: a re-delivery of a period the rows of that period, and a new snapshot of
a full-snapshot extract (institutioner, indskrivninger, elever, …) the extract's current truth, even
under another file name. When it would land fewer than (100 - max %) of the rows it replaces, it is held:
nothing of it lands, the landed rows stay, and the run exits non-zero until someone decides. Its parsed
rows are kept for that decision as pseudonymized Parquet in `<landing>/_quarantine/_held/<system>/
<extract>/<period>.parquet` (its bad rows beside it in `<period>.quarantine.parquet`; the names:
landing_zone.held_files), child-level data like the rest of the quarantine; no raw file is copied
anywhere. `land --accept-shrink` lands it from the
raw folder on purpose, and the held files go when any delivery of the period lands or is unchanged.

The baseline of a snapshot that is not a re-delivery is the newest snapshot landed before it, as the
landing folder was when the run started: files of one run are never compared with each other, so a
first load of a whole history holds nothing, whatever order the threads land in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from boernedata import settings
from boernedata.contracts import EXTRACTS, Extract
from boernedata.landing_zone import data_files, held_files, landed_dir, landed_file


@dataclass(frozen=True)
class HoldRules:
    """When a landing run holds a delivery (settings.py names the flag and environment variable)."""

    max_shrink_pct: float = settings.DEFAULT_MAX_DELIVERY_SHRINK_PCT
    # --accept-shrink: None holds, () lands every held delivery, else the files named
    accept: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Baseline:
    rows: int  # rows landed now, which the delivery would replace
    what: str  # "the landed 2025-10" or "the newest landed snapshot 2025-12-31"


class ShrinkGuard:
    """The hold decision for one landing run."""

    def __init__(self, landing: Path, raw: Path, rules: HoldRules) -> None:
        self.landing, self.max_pct = Path(landing), rules.max_shrink_pct
        self.accept_all = rules.accept is not None and not rules.accept
        self.accept = {_relative(Path(raw), a) for a in rules.accept or ()}
        # snapshot extract -> {period: rows}, as landed when the run started
        self.snapshots = {
            ex.key: {f.stem: _rows(f) for f in data_files(landed_dir(self.landing, ex))}
            for ex in EXTRACTS
            if ex.snapshot
        }

    def baseline(self, ex: Extract, period: str) -> Baseline | None:
        """What a delivery of `period` replaces: the period's landed rows, else (a snapshot extract) the
        newest snapshot landed before it; None when it replaces nothing."""
        target = landed_file(self.landing, ex, period)
        if target.exists():
            return Baseline(_rows(target), f"the landed {period}")
        earlier = [p for p in self.snapshots.get(ex.key, {}) if p < period]
        if not earlier:
            return None
        newest = max(earlier)
        return Baseline(self.snapshots[ex.key][newest], f"the newest landed snapshot {newest}")

    def shrinks(self, rows: int, baseline: Baseline | None) -> bool:
        return baseline is not None and rows < baseline.rows * (1 - self.max_pct / 100)

    def accepts(self, rel: str) -> bool:
        return self.accept_all or rel in self.accept

    def keep(self, ex: Extract, period: str, rows: Path, quarantined: Path | None) -> Path:
        """Move the delivery's written files (temporary names) into the held folder; the held rows' path."""
        held, held_q = held_files(self.landing, ex, period)
        held.parent.mkdir(parents=True, exist_ok=True)
        rows.replace(held)
        if quarantined is not None:
            quarantined.replace(held_q)
        else:
            held_q.unlink(missing_ok=True)
        return held

    def clear(self, ex: Extract, period: str) -> None:
        """A delivery of the period landed (or the landed one came again): the hold is over."""
        for path in held_files(self.landing, ex, period):
            path.unlink(missing_ok=True)

    def message(self, rel: str, rows: int, rows_read: int, baseline: Baseline, held: Path) -> str:
        fewer = 100 * (baseline.rows - rows) / baseline.rows
        return (
            f"HELD {rel}: not landed, because it has {rows:,} rows to land (of {rows_read:,} read) where "
            f"{baseline.what} has {baseline.rows:,}: {fewer:.0f} % fewer, more than the {self.max_pct:g} % "
            "allowed. The landed rows stay as they are. Ask the source system whether the delivery is "
            f"complete: if it is right, land it with `boernedata land --accept-shrink {rel}`; if not, "
            f"deliver the complete file again. Its rows (pseudonymized) are kept in {held}."
        )


def _relative(raw: Path, name: str) -> str:
    """A path as given on the command line, as the ledger names files: relative to the raw folder."""
    path = Path(name)
    try:
        return path.absolute().relative_to(raw.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def _rows(path: Path) -> int:
    return pq.ParquetFile(path).metadata.num_rows
