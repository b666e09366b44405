"""Landing one delivery: a raw file in; its typed rows landed, held or the file rejected; and what the run
records about it (a FileOutcome).

Per file: check the name against the contracts, hash it (the same bytes as the landed delivery of that
period change nothing), read it (file-level faults reject it), parse and check each batch (row-level
faults go to the quarantine), write `<landing>/<system>/<extract>/<period>.parquet` through a temporary
file and os.replace, so a newer delivery of a period replaces the older one's rows atomically. A
re-delivery with far fewer rows than what it replaces is held instead (hold.py). Nothing here writes the
ledger, prints or validates: the run (run.py) does that with the outcome, one file at a time.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import blake3
import numpy as np
import pyarrow as pa

from boernedata import landing_zone as zone
from boernedata.contracts import EXTRACTS_BY_KEY, Extract, landed_schema, person_key_name
from boernedata.landing.cpr import Pseudonymizer
from boernedata.landing.hold import ShrinkGuard
from boernedata.landing.ledger import Delivery, Ledger
from boernedata.landing.outcome import FileOutcome
from boernedata.landing.parse import parse_batch
from boernedata.landing.quarantine import QuarantineWriter, faults_table, rows_table
from boernedata.landing.readers import READERS, FileRejected
from boernedata.landing.suite_runner import sample_rows
from boernedata.landing.uniqueness import UniqueTracker
from boernedata.landing.writer import LandedWriter, landed_table

NOT_SAMPLED = ["_source_line", "_period", "_loaded_at"]  # landed columns the GE suites do not read


@dataclass
class RunContext:
    """What every file of one landing run shares."""

    raw: Path
    landing: Path
    pseudo: Pseudonymizer
    ledger: Ledger
    guard: ShrinkGuard
    loaded_at: dt.datetime  # the run's start, UTC without a time zone (the landed `_loaded_at`)
    run_id: str
    # Landed rows whose persons are not in the register: every delivery lands again (persons.missing)
    reland: bool
    files_per_extract: Counter = field(default_factory=Counter)  # raw files per `system/extract`

    def stamp(self) -> str:
        return self.loaded_at.isoformat(timespec="seconds") + "Z"


def land_path(ctx: RunContext, path: Path) -> FileOutcome:
    """Land one file; the outcome says what to record (no ledger line, message or GE sample yet)."""
    rel = path.relative_to(ctx.raw).as_posix()
    parts = rel.split("/")
    started = time.perf_counter()
    ex = EXTRACTS_BY_KEY.get("/".join(parts[:2])) if len(parts) == 3 else None
    period = ex.parse_file_name(parts[2]) if ex else None
    # A text extract is read whole anyway: read once, hashed and parsed from memory, not read twice;
    # Parquet is hashed from a memory map and read by row group.
    data = path.read_bytes() if ex is not None and period is not None and ex.fmt != "parquet" else None
    digest = content_hash(data, path)
    if ex is None or period is None:
        if ex is None:
            msg = (
                "is not in any contract's folder (<raw>/<system>/<extract>/<file>); move it to the "
                "right folder or remove it"
            )
        else:
            msg = (
                f"does not match the contract's file name {ex.prefix}_<{ex.period}>.{ex.extension} "
                f"(e.g. {ex.file_name(_example_period(ex))}); rename it"
            )
        return _rejected(ctx, rel, ex.key if ex else "", period or "", digest, msg, started)

    current = ctx.ledger.current(ex.key, period)
    target = zone.landed_file(ctx.landing, ex, period)
    if current and current.get("content_hash") == digest and target.exists() and not ctx.reland:
        ctx.guard.clear(ex, period)
        d = Delivery(
            rel,
            ex.key,
            period,
            digest,
            current["rows_read"],
            current["rows_landed"],
            current["rows_quarantined"],
            zone.UNCHANGED,
            f"same bytes as the delivery landed {current['landed_at']}; nothing rewritten",
            ctx.stamp(),
            ctx.run_id,
            round(time.perf_counter() - started, 3),
        )
        return FileOutcome(d)
    try:
        replacing = current is not None or target.exists()
        outcome = _FileLanding(ctx, path, data, rel, ex, period, digest).land(replacing)
    except FileRejected as exc:
        msg = str(exc)
        if current:  # say what the warehouse keeps seeing meanwhile
            msg += f" (the delivery landed {current['landed_at']} stays landed for {period})"
        return _rejected(ctx, rel, ex.key, period, digest, msg, started)
    outcome.delivery.seconds = round(time.perf_counter() - started, 3)
    return outcome


def _rejected(ctx: RunContext, rel, key, period, digest, msg, started) -> FileOutcome:
    d = Delivery(
        rel,
        key,
        period,
        digest,
        0,
        0,
        0,
        zone.REJECTED,
        msg,
        ctx.stamp(),
        ctx.run_id,
        round(time.perf_counter() - started, 3),
    )
    return FileOutcome(d, messages=[f"REJECTED {rel}: the file {msg}."])


class _FileLanding:
    """One delivery being landed: its rows written batch by batch to temporary files (landed rows, bad
    rows), then moved into place, or into the held folder, or removed when the file is rejected."""

    def __init__(
        self, ctx: RunContext, path: Path, data: bytes | None, rel: str, ex: Extract, period: str, digest: str
    ) -> None:
        self.ctx, self.path, self.data, self.rel, self.ex, self.period = ctx, path, data, rel, ex, period
        self.schema = landed_schema(ex)
        # GE sees the bad rows too, and no provenance but the file
        self.sample_schema = pa.schema(
            [f.with_nullable(True) for f in self.schema if f.name not in NOT_SAMPLED]
        )
        self.out_dir = zone.landed_dir(ctx.landing, ex)
        q_dir = zone.quarantine_dir(ctx.landing, ex)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        q_dir.mkdir(parents=True, exist_ok=True)
        self.tmp = self.out_dir / f".{zone.period_file_name(period)}.tmp{os.getpid()}"
        self.q_tmp = q_dir / f".{zone.period_file_name(period)}.tmp{os.getpid()}"
        self.outcome = FileOutcome(
            Delivery(rel, ex.key, period, digest, 0, 0, 0, "", "", ctx.stamp(), ctx.run_id)
        )
        self.landed = self.quarantined = self.sampled = 0
        self.quota = sample_rows(ctx.files_per_extract.get(ex.key, 1))
        self.unique = {c.name: UniqueTracker() for c in ex.columns if c.unique}
        self.samples: list = []  # for the GE suite, handed over once the file is accepted

    def land(self, replacing: bool) -> FileOutcome:
        raw = self._write()
        rows_read = self.landed + self.quarantined
        if raw.rows_expected is not None and raw.rows_expected != rows_read:
            self.tmp.unlink(missing_ok=True)
            self.q_tmp.unlink(missing_ok=True)
            raise FileRejected(f"lost rows while reading ({raw.rows_expected} expected, {rows_read} read)")
        return self._finish(raw, rows_read, replacing)

    # ------------------------------------------------------------------------- read, check, write

    def _write(self):
        """Read the file and write its good and bad rows to the temporary files; the reader's result.
        Any failure removes both files."""
        writer = None
        quarantine = QuarantineWriter(self.q_tmp)
        try:
            raw = READERS[self.ex.fmt](self.path, self.ex, self.data)
            self.outcome.warnings = raw.warnings
            writer = LandedWriter(self.tmp, self.ex, self.schema)
            truncated = any(f.line == raw.open_last_line for f in raw.faults)
            if raw.faults:
                quarantine.write(faults_table(raw.faults, self.rel, self.period, self.ctx.loaded_at))
                self.quarantined += len(raw.faults)
                for f in raw.faults:
                    self.outcome.note("", f.reason, f.line)
            for batch in raw.batches:
                if batch.table.num_rows:
                    truncated |= self._batch(batch, writer, quarantine, raw.open_last_line)
            if truncated:
                # The last line has no line break and does not parse: the file was cut off, not wrong
                raise FileRejected(
                    f"looks truncated: the last line {raw.open_last_line} has no line break and does not "
                    "parse; deliver the complete extract again"
                )
            writer.close()
            writer = None
            quarantine.close()
            self.outcome.samples = self.samples
        except BaseException:
            if writer is not None:
                writer.discard()
            quarantine.close()
            self.tmp.unlink(missing_ok=True)
            self.q_tmp.unlink(missing_ok=True)
            raise
        return raw

    def _batch(self, batch, writer: LandedWriter, quarantine: QuarantineWriter, open_last_line) -> bool:
        """Parse, check and write one batch; whether a bad row is the file's unterminated last line."""
        n = batch.table.num_rows
        parsed = parse_batch(self.ex, batch.table, self.ctx.pseudo)
        self.outcome.redactions.update(parsed.redactions)
        self._check_unique(parsed, n)
        first = np.full(n, -1, dtype=np.int32)  # the first failing check of each row, -1 for none
        for k, (_, _, mask) in enumerate(parsed.checks):
            first[(first < 0) & mask] = k
        bad = first >= 0
        full = landed_table(
            self.schema, parsed.columns, batch.lines, self.rel, self.period, self.ctx.loaded_at
        )
        self._sample(full, parsed, n)
        good = full.filter(pa.array(~bad)) if bad.any() else full
        writer.write(good, full)  # all rows of the first batch choose the encodings
        self.landed += good.num_rows
        truncated = False
        if bad.any() and open_last_line is not None:
            truncated = bool(np.any(batch.lines[bad] == open_last_line))
        if bad.any():
            ctx = self.ctx
            quarantine.write(
                rows_table(
                    self.ex,
                    batch,
                    parsed.checks,
                    first,
                    bad,
                    self.rel,
                    self.period,
                    ctx.pseudo,
                    ctx.loaded_at,
                )
            )
            self.quarantined += int(bad.sum())
            rows = np.flatnonzero(bad)
            for k, (c, r, _) in enumerate(parsed.checks):
                hit = rows[first[rows] == k]
                if len(hit):
                    self.outcome.note(c, r, int(batch.lines[hit[0]]), len(hit), batch.lines[hit[:5]])
        return truncated

    def _check_unique(self, parsed, n: int) -> None:
        """Flag the second and later rows of a key the contract marks unique (duplicate_key)."""
        for name, tracker in self.unique.items():
            col = next(c for c in self.ex.columns if c.name == name)
            landed_name = person_key_name(name) if col.kind == "cpr" else name
            ok_so_far = (
                ~np.logical_or.reduce([m for _, _, m in parsed.checks])
                if parsed.checks
                else np.ones(n, dtype=bool)
            )
            parsed.check(
                name,
                "duplicate_key",
                pa.array(tracker.duplicates(parsed.columns[landed_name], ok_so_far)),
            )

    def _sample(self, full: pa.Table, parsed, n: int) -> None:
        """Keep the batch's first rows, up to the file's quota, for the extract's GE suite, with what the
        checks flagged in them."""
        if self.sampled >= self.quota:
            return
        k = min(n, self.quota - self.sampled)
        # a copy of the k rows (a slice would keep the batch's buffers alive until the extract's suite
        # runs, and pickle them whole: docs/benchmarks.md)
        head = full.drop_columns(NOT_SAMPLED).take(pa.array(np.arange(k))).cast(self.sample_schema)
        counts = Counter()
        for c, r, m in parsed.checks:
            counts[(c, r)] += int(m[:k].sum())
        self.samples.append((head, dict(counts)))
        self.sampled += k

    # ------------------------------------------------------------------------- land or hold

    def _finish(self, raw, rows_read: int, replacing: bool) -> FileOutcome:
        """Move the written rows into place, or hold a shrunken re-delivery; say what happened."""
        ctx, ex, period, rel, outcome = self.ctx, self.ex, self.period, self.rel, self.outcome
        landed, quarantined = self.landed, self.quarantined
        d = outcome.delivery
        baseline = ctx.guard.baseline(ex, period)
        if ctx.guard.shrinks(landed, baseline):
            if not ctx.guard.accepts(rel):
                return self._hold(rows_read, baseline)
            d.accepted_shrink, d.shrunk_from = True, baseline.rows
            outcome.messages.append(
                f"{rel}: landed on purpose (--accept-shrink) although it has {landed:,} rows where "
                f"{baseline.what} had {baseline.rows:,}."
            )
        if not quarantined:
            self.q_tmp.unlink(missing_ok=True)
        os.replace(self.tmp, zone.landed_file(ctx.landing, ex, period))
        ctx.guard.clear(ex, period)
        (self.out_dir / zone.EMPTY_SCHEMA_FILE).unlink(missing_ok=True)
        if quarantined:
            os.replace(self.q_tmp, zone.quarantine_file(ctx.landing, ex, period))
        else:
            zone.quarantine_file(ctx.landing, ex, period).unlink(missing_ok=True)
        d.rows_read, d.rows_landed, d.rows_quarantined = rows_read, landed, quarantined
        d.status = zone.REPLACED if replacing else zone.LANDED
        notes = list(raw.warnings)
        if d.accepted_shrink:
            notes.append(f"--accept-shrink: {landed} rows landed where {d.shrunk_from} were")
        if quarantined:
            top = ", ".join(f"{r} in {c or 'line'}: {n}" for (c, r), n in outcome.reasons.most_common(4))
            notes.append(f"{quarantined} of {rows_read} rows quarantined ({top})")
            (c, r), _ = outcome.reasons.most_common(1)[0]
            outcome.messages.append(
                f"{rel}: {quarantined} of {rows_read} rows quarantined ({top}); first at line "
                f"{outcome.examples[(c, r)][0]}. The good rows landed; correct the lines at the source "
                f"and deliver the file again (quarantine: {zone.quarantine_file(ctx.landing, ex, period)})."
            )
        for w in raw.warnings:
            outcome.messages.append(f"warning: {rel}: {w}")
        if outcome.redactions:
            notes.append("redacted " + ", ".join(f"{n} {k}" for k, n in sorted(outcome.redactions.items())))
        d.message = "; ".join(notes)
        return outcome

    def _hold(self, rows_read: int, baseline) -> FileOutcome:
        """Land nothing of a shrunken delivery: keep its written rows in the held folder, say why."""
        outcome, d = self.outcome, self.outcome.delivery
        q_file = self.q_tmp if self.quarantined else None
        held = self.ctx.guard.keep(self.ex, self.period, self.tmp, q_file)
        d.rows_read, d.rows_landed, d.rows_quarantined, d.rows_held = rows_read, 0, 0, rows_read
        d.status, d.shrunk_from = zone.HELD, baseline.rows
        d.message = self.ctx.guard.message(d.file, self.landed, rows_read, baseline, held)
        outcome.messages = [d.message]
        outcome.samples = []  # not landed: not part of the extract's validation either
        return outcome


def _example_period(ex: Extract) -> str:
    return {"month": "2025-03", "date": "2025-03-31", "school_year": "2025-26", "year": "2025"}[ex.period]


def content_hash(data: bytes | None, path: Path) -> str:
    """The delivery's identity in the ledger: BLAKE3 of its bytes (`data`, or the file mapped into memory
    and hashed as it is read), as "blake3:<hex>". BLAKE3, not SHA-256: several times faster
    (docs/benchmarks.md) and as collision-resistant."""
    h = blake3.blake3(data) if data is not None else blake3.blake3().update_mmap(path)
    return f"blake3:{h.hexdigest()}"
