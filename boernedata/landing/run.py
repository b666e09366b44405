"""`boernedata land`: every raw file -> validated, pseudonymized, typed Parquet, a quarantine and a ledger.

Per file: check the name against the contracts, hash it (the same bytes as the landed delivery of that
period change nothing), read it (file-level faults reject it), parse and check each batch (row-level
faults go to the quarantine), write `<landing>/<system>/<extract>/<period>.parquet` through a temporary
file and os.replace, so a newer delivery of a period replaces the older one's rows atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import blake3
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from boernedata import landing_zone as zone
from boernedata.contracts import (
    EXTRACTS_BY_KEY,
    Extract,
    landed_schema,
    person_key_name,
)
from boernedata.cpr_pattern import CPR_IN_TEXT, digits
from boernedata.landing import persons
from boernedata.landing.cpr import MASK, Pseudonymizer, parse_cpr
from boernedata.landing.hold import HoldRules, ShrinkGuard
from boernedata.landing.ledger import Delivery, Ledger
from boernedata.landing.masks import dictionary_array
from boernedata.landing.parse import parse_batch, plain
from boernedata.landing.readers import READERS, FileRejected, ReadFault
from boernedata.landing.redact import redact_text
from boernedata.landing.suites import SuiteRunner, sample_rows

# Files landed at the same time: one more than the cores, so a thread waiting on I/O leaves no core
# free (copenhagen on 2 cores, medians of 3: 2 -> 42.7 s, 3 -> 42.8 s, 4 -> 42.0 s, within this
# machine's noise; an earlier, slower landing measured 2 -> 68.6 s, 3 -> 62.2 s), capped because every
# file in flight holds its raw bytes and a batch in memory.
WORKERS = min(8, (os.cpu_count() or 2) + 1)
# A string column is landed dictionary-encoded when its distinct values are at most 1/DICTIONARY_SHARE of
# the first batch's rows, else plain (a guardian id per row): the writer hashes every dictionary entry
# but copies plain values cheaply.
DICTIONARY_SHARE = 2

NOT_SAMPLED = ["_source_line", "_period", "_loaded_at"]  # landed columns the GE suites do not read

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("_source_file", pa.string(), nullable=False),
        pa.field("_source_line", pa.int64(), nullable=False),
        pa.field("_period", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),  # the first failing check
        pa.field("column", pa.string()),
        pa.field("reasons", pa.string()),  # every failing check, "column:reason; ..."
        pa.field("row", pa.string()),  # the raw values as JSON, CPR numbers pseudonymized or masked
        pa.field("_loaded_at", pa.timestamp("us"), nullable=False),
    ]
)


def mask_cpr_like(text: str) -> str:
    """Mask every CPR-like number (cpr_pattern.py) that parses as a CPR number: quarantine text is
    diagnostic, not landed data, so another ten-digit code (a cost centre) stays readable."""
    return CPR_IN_TEXT.sub(lambda m: MASK if parse_cpr(digits(m)) else m.group(0), text)


@dataclass
class FileOutcome:
    delivery: Delivery
    reasons: Counter = field(default_factory=Counter)  # (column, reason) -> rows
    examples: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # -> first line numbers
    redactions: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # for the console, said when the file is recorded
    samples: list = field(default_factory=list)  # (parsed rows as Arrow, counts) for the GE suite


class _UniqueTracker:
    """Seen values of a unique column across the batches of one file (sorted numpy chunks)."""

    def __init__(self) -> None:
        self.seen: list[np.ndarray] = []
        self.top = None  # the largest value seen (integer keys)

    def duplicates(self, values: pa.Array, consider: np.ndarray) -> np.ndarray:
        values = plain(values)
        if pa.types.is_temporal(values.type):
            values = values.cast(pa.int64()) if values.type.bit_width == 64 else values.cast(pa.int32())
        arr = values.to_numpy(zero_copy_only=False)
        valid = consider & ~np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        dup = np.zeros(len(arr), dtype=bool)
        idx = np.flatnonzero(valid)
        if not len(idx):
            return dup
        vals = arr[idx]
        if vals.dtype.kind in "iu" and (not self.seen or vals[0] > self.top) and np.all(vals[1:] > vals[:-1]):
            # Ids that only grow (the usual export order): no duplicates, nothing to sort or search
            self.seen.append(vals)
            self.top = vals[-1]
            return dup
        dup[idx] = _duplicated(vals)
        for chunk in self.seen:
            pos = np.searchsorted(chunk, vals)
            pos[pos >= len(chunk)] = 0
            dup[idx] |= chunk[pos] == vals
        chunk = np.sort(vals)  # duplicates inside are harmless for searchsorted
        self.seen.append(chunk)
        self.top = max(self.top, chunk[-1]) if self.top is not None else chunk[-1]
        return dup


def _duplicated(vals: np.ndarray) -> np.ndarray:
    import pandas as pd

    return pd.Series(vals).duplicated(keep="first").to_numpy()


class Run:
    def __init__(
        self,
        raw: Path,
        landing: Path,
        key: bytes,
        progress: bool,
        rules: HoldRules | None = None,
    ) -> None:
        self.raw, self.landing, self.progress = Path(raw), Path(landing), progress
        self.guard = ShrinkGuard(self.landing, self.raw, rules or HoldRules())
        self.pseudo = Pseudonymizer(key)
        now = dt.datetime.now(dt.UTC)
        self.loaded_at = now.replace(tzinfo=None)
        self.run_id = now.strftime("%Y%m%dT%H%M%SZ")
        self.ledger = Ledger(self.landing)
        self.suites = SuiteRunner()
        self.outcomes: list[FileOutcome] = []
        self.files_per_extract: Counter = Counter()
        self._recorded: Counter = Counter()  # files recorded per extract
        self._person_parts = 0
        # Landed rows whose persons are not in the register (it was deleted, or the landing predates it):
        # every delivery lands again, which registers them
        self.reland = persons.missing(self.landing)
        self._lock = threading.RLock()
        self._bar = None

    # ---------------------------------------------------------------------------------- messages

    def say(self, message: str) -> None:
        text = f"boernedata land: {message}"
        with self._lock:
            if self._bar is not None:
                self._bar.write(text, file=sys.stderr)
            else:
                print(text, file=sys.stderr)

    # ------------------------------------------------------------------------------------ files

    def files(self) -> list[Path]:
        return sorted(p for p in self.raw.rglob("*") if p.is_file())

    def land_all(self) -> int:
        from tqdm import tqdm

        if not persons.key_matches(self.landing, self.pseudo.pseudonym(persons.KEY_CHECK_TEXT)):
            self.say(
                f"ERROR: BOERNEDATA_PSEUDONYM_KEY is not the key the rows in {self.landing} were "
                "pseudonymized with, so new rows would not match them. Set the key it was built with, or "
                "land into an empty folder to pseudonymize every delivery with this key. Nothing landed."
            )
            return 2
        files = self.files()
        if self.reland:
            self.say(
                f"the person register {zone.persons_dir(self.landing)} is missing or empty while rows are "
                "landed: every delivery lands again, which registers its persons"
            )
        sizes = {p.relative_to(self.raw).as_posix(): p.stat().st_size for p in files}
        total = sum(sizes.values())
        self.files_per_extract = Counter(self._extract_key(p) for p in files)
        with tqdm(
            total=total, unit="B", unit_scale=True, desc="land", disable=not self.progress, file=sys.stderr
        ) as bar:
            self._bar = bar if self.progress else None
            if files:
                self.suites.start()  # the GE worker imports Great Expectations while files parse
            self.outcomes = []
            for outcome in self._land_each(self._order(files, sizes)):
                self._record(outcome)
                self.outcomes.append(outcome)
                bar.set_postfix_str(Path(outcome.delivery.file).name, refresh=False)
                bar.update(sizes[outcome.delivery.file])
            self.outcomes.sort(key=lambda o: o.delivery.file)
            self._bar = None
        try:
            persons.compact(self.landing)
        except persons.PersonKeyCollision as exc:
            self.say(f"ERROR: {exc}")
            return 2
        extracts = {
            o.delivery.extract: EXTRACTS_BY_KEY[o.delivery.extract]
            for o in self.outcomes
            if o.delivery.extract in EXTRACTS_BY_KEY
        }
        self.suites.finish(extracts)
        for err in self.suites.errors:
            self.say(f"WARNING (Great Expectations cross-check): {err}")
        zone.write_schema_files(self.landing)
        from boernedata.landing.report import write_report

        report = write_report(self)
        rejected = [o for o in self.outcomes if o.delivery.status == zone.REJECTED]
        held = [o for o in self.outcomes if o.delivery.status == zone.HELD]
        counts = Counter(o.delivery.status for o in self.outcomes)
        q = sum(o.delivery.rows_quarantined for o in self.outcomes if o.delivery.status != zone.UNCHANGED)
        self.say(
            f"{len(files)} file(s): "
            + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
            + f"; {q} row(s) quarantined this run. Report: {report}"
        )
        if rejected:
            self.say(f"{len(rejected)} file(s) REJECTED (see above); fix and deliver them again.")
        if held:
            self.say(
                f"{len(held)} re-delivery(ies) HELD because they shrink what is landed (see above): "
                + ", ".join(o.delivery.file for o in held)
                + ". Nothing of them landed; check them, then `boernedata land --accept-shrink FILE` "
                "or deliver the complete files again."
            )
        if rejected or held:
            self.say("Exit status 1.")
            return 1
        return 0

    def _order(self, files: list[Path], sizes: dict[str, int]) -> list[Path]:
        """Extract by extract, the smallest extracts first, each one's files largest first. A suite
        validates when the extract's last file lands and costs ~0.2 s however small the extract: the
        small ones validate while the large ones land. (Largest files first over all left the worker
        validating 15 small extracts 2.3 s after the last copenhagen file, one core idle.)"""

        def size(p: Path) -> int:
            return sizes[p.relative_to(self.raw).as_posix()]

        totals = Counter()
        for p in files:
            totals[self._extract_key(p)] += size(p)
        return sorted(files, key=lambda p: (totals[self._extract_key(p)], self._extract_key(p), -size(p)))

    def _extract_key(self, path: Path) -> str:
        """`<system>/<extract>` of a raw file, by its folder (a contract's key when the file is in one)."""
        return "/".join(path.relative_to(self.raw).parts[:2])

    def _land_each(self, files: list[Path]) -> Iterator[FileOutcome]:
        """The outcome of every file, as each finishes, WORKERS files at a time: Arrow's kernels, Parquet
        I/O and hashing release the GIL, so every core works. Threads, not processes: one worker
        process per core was tried at copenhagen on 2 cores (70-72 s against 68-75 s for 3 threads),
        no gain for the extra code, as each process imports everything and HMACs every number again."""
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for future in as_completed([pool.submit(self.land_path, p) for p in files]):
                yield future.result()

    def _record(self, outcome: FileOutcome) -> None:
        """Say what a landed file has to say, append it to the ledger and queue its GE samples."""
        for message in outcome.messages:
            self.say(message)
        new = self.pseudo.new_persons()  # on disk before the ledger says a delivery that needs them landed
        if new is not None:
            self._person_parts += 1
            persons.write_part(self.landing, new, f"part-{self.run_id}-{self._person_parts:05d}")
        self.ledger.append(outcome.delivery)
        key = outcome.delivery.extract
        if outcome.samples:
            for table, counts in outcome.samples:
                self.suites.add(EXTRACTS_BY_KEY[key], table, counts, outcome.delivery.file)
            outcome.samples = []
        self._recorded[key] += 1
        if key in EXTRACTS_BY_KEY and self._recorded[key] == self.files_per_extract[key]:
            self.suites.flush(EXTRACTS_BY_KEY[key])  # validate while the other extracts land

    def land_path(self, path: Path) -> FileOutcome:
        """Land one file; the outcome says what to record (no ledger line, message or GE sample yet)."""
        rel = path.relative_to(self.raw).as_posix()
        parts = rel.split("/")
        started = time.perf_counter()
        ex = EXTRACTS_BY_KEY.get("/".join(parts[:2])) if len(parts) == 3 else None
        period = ex.parse_file_name(parts[2]) if ex else None
        # A text extract is read whole anyway: read once, hashed and parsed from memory (3.2 GB of the
        # copenhagen scale not read twice); Parquet is hashed from a memory map and read by row group.
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
            return self._rejected(rel, ex.key if ex else "", period or "", digest, msg, started)

        current = self.ledger.current(ex.key, period)
        target = zone.landed_file(self.landing, ex, period)
        if current and current.get("content_hash") == digest and target.exists() and not self.reland:
            self.guard.clear(ex, period)
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
                self._stamp(),
                self.run_id,
                round(time.perf_counter() - started, 3),
            )
            return FileOutcome(d)
        try:
            replacing = current is not None or target.exists()
            outcome = self._land(path, data, rel, ex, period, digest, replacing)
        except FileRejected as exc:
            msg = str(exc)
            if current:  # say what the warehouse keeps seeing meanwhile
                msg += f" (the delivery landed {current['landed_at']} stays landed for {period})"
            return self._rejected(rel, ex.key, period, digest, msg, started)
        outcome.delivery.seconds = round(time.perf_counter() - started, 3)
        return outcome

    def _stamp(self) -> str:
        return self.loaded_at.isoformat(timespec="seconds") + "Z"

    def _rejected(self, rel, key, period, digest, msg, started) -> FileOutcome:
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
            self._stamp(),
            self.run_id,
            round(time.perf_counter() - started, 3),
        )
        return FileOutcome(d, messages=[f"REJECTED {rel}: the file {msg}."])

    # ------------------------------------------------------------------------------ one delivery

    def _land(
        self, path: Path, data: bytes | None, rel: str, ex: Extract, period: str, digest: str, replacing: bool
    ) -> FileOutcome:
        schema = landed_schema(ex)
        # GE sees the bad rows too, and no provenance but the file
        sample_schema = pa.schema([f.with_nullable(True) for f in schema if f.name not in NOT_SAMPLED])
        out_dir = zone.landed_dir(self.landing, ex)
        q_dir = zone.quarantine_dir(self.landing, ex)
        out_dir.mkdir(parents=True, exist_ok=True)
        q_dir.mkdir(parents=True, exist_ok=True)
        tmp = out_dir / f".{zone.period_file_name(period)}.tmp{os.getpid()}"
        q_tmp = q_dir / f".{zone.period_file_name(period)}.tmp{os.getpid()}"
        outcome = FileOutcome(
            Delivery(rel, ex.key, period, digest, 0, 0, 0, "", "", self._stamp(), self.run_id)
        )
        writer = q_writer = None
        try:
            raw = READERS[ex.fmt](path, ex, data)
            outcome.warnings = raw.warnings
            writer = _LandedWriter(tmp, ex, schema)

            def to_quarantine(table: pa.Table) -> None:  # the file is made for the first bad row only
                nonlocal q_writer
                if q_writer is None:
                    q_writer = pq.ParquetWriter(q_tmp, QUARANTINE_SCHEMA)
                q_writer.write_table(table)

            landed = quarantined = sampled = 0
            quota = sample_rows(self.files_per_extract.get(ex.key, 1))
            unique = {c.name: _UniqueTracker() for c in ex.columns if c.unique}
            samples: list = []  # for the GE suite, handed over once the file is accepted
            truncated = any(f.line == raw.open_last_line for f in raw.faults)
            if raw.faults:
                to_quarantine(self._fault_table(raw.faults, rel, period))
                quarantined += len(raw.faults)
                for f in raw.faults:
                    _note(outcome, "", f.reason, f.line)
            for batch in raw.batches:
                n = batch.table.num_rows
                if n == 0:
                    continue
                parsed = parse_batch(ex, batch.table, self.pseudo)
                outcome.redactions.update(parsed.redactions)
                for name, tracker in unique.items():
                    col = next(c for c in ex.columns if c.name == name)
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
                first = np.full(n, -1, dtype=np.int32)
                for k, (_, _, mask) in enumerate(parsed.checks):
                    first[(first < 0) & mask] = k
                bad = first >= 0
                full = self._landed_table(schema, parsed.columns, batch.lines, rel, period)
                if sampled < quota:
                    k = min(n, quota - sampled)
                    # a copy of the k rows (a slice would keep the batch's buffers alive until the
                    # extract's suite runs, and pickle them whole: 6 GB resident at copenhagen)
                    head = full.drop_columns(NOT_SAMPLED).take(pa.array(np.arange(k))).cast(sample_schema)
                    counts = Counter()
                    for c, r, m in parsed.checks:
                        counts[(c, r)] += int(m[:k].sum())
                    samples.append((head, dict(counts)))
                    sampled += k
                good = full.filter(pa.array(~bad)) if bad.any() else full
                writer.write(good, full)  # all rows of the first batch choose the encodings
                landed += good.num_rows
                if bad.any() and raw.open_last_line is not None:
                    truncated |= bool(np.any(batch.lines[bad] == raw.open_last_line))
                if bad.any():
                    to_quarantine(self._quarantine_table(ex, batch, parsed.checks, first, bad, rel, period))
                    quarantined += int(bad.sum())
                    rows = np.flatnonzero(bad)
                    for k, (c, r, _) in enumerate(parsed.checks):
                        hit = rows[first[rows] == k]
                        if len(hit):
                            _note(outcome, c, r, int(batch.lines[hit[0]]), len(hit), batch.lines[hit[:5]])
            if truncated:
                # The last line has no line break and does not parse: the file was cut off, not wrong
                raise FileRejected(
                    f"looks truncated: the last line {raw.open_last_line} has no line break and does not "
                    "parse; deliver the complete extract again"
                )
            writer.close()
            writer = None
            if q_writer is not None:
                q_writer.close()
                q_writer = None
            outcome.samples = samples
        except BaseException:
            if writer is not None:
                writer.discard()
            if q_writer is not None:
                q_writer.close()
            tmp.unlink(missing_ok=True)
            q_tmp.unlink(missing_ok=True)
            raise
        rows_read = landed + quarantined
        if raw.rows_expected is not None and raw.rows_expected != rows_read:
            tmp.unlink(missing_ok=True)
            q_tmp.unlink(missing_ok=True)
            raise FileRejected(f"lost rows while reading ({raw.rows_expected} expected, {rows_read} read)")
        d = outcome.delivery
        baseline = self.guard.baseline(ex, period)
        if self.guard.shrinks(landed, baseline):
            if not self.guard.accepts(rel):
                q_file = q_tmp if quarantined else None
                return self._hold(outcome, ex, period, tmp, q_file, landed, rows_read, baseline)
            d.accepted_shrink, d.shrunk_from = True, baseline.rows
            outcome.messages.append(
                f"{rel}: landed on purpose (--accept-shrink) although it has {landed:,} rows where "
                f"{baseline.what} had {baseline.rows:,}."
            )
        if not quarantined:
            q_tmp.unlink(missing_ok=True)
        os.replace(tmp, zone.landed_file(self.landing, ex, period))
        self.guard.clear(ex, period)
        (out_dir / zone.EMPTY_SCHEMA_FILE).unlink(missing_ok=True)
        if quarantined:
            os.replace(q_tmp, zone.quarantine_file(self.landing, ex, period))
        else:
            zone.quarantine_file(self.landing, ex, period).unlink(missing_ok=True)
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
                f"and deliver the file again (quarantine: {zone.quarantine_file(self.landing, ex, period)})."
            )
        for w in raw.warnings:
            outcome.messages.append(f"warning: {rel}: {w}")
        if outcome.redactions:
            notes.append("redacted " + ", ".join(f"{n} {k}" for k, n in sorted(outcome.redactions.items())))
        d.message = "; ".join(notes)
        return outcome

    def _hold(self, outcome, ex, period, tmp, q_tmp, landed: int, rows_read: int, baseline) -> FileOutcome:
        """Land nothing of a shrunken delivery: keep its written rows in the held folder, say why."""
        d = outcome.delivery
        held = self.guard.keep(ex, period, tmp, q_tmp)
        d.rows_read, d.rows_landed, d.rows_quarantined, d.rows_held = rows_read, 0, 0, rows_read
        d.status, d.shrunk_from = zone.HELD, baseline.rows
        d.message = self.guard.message(d.file, landed, rows_read, baseline, held)
        outcome.messages = [d.message]
        outcome.samples = []  # not landed: not part of the extract's validation either
        return outcome

    def _landed_table(self, schema, columns, lines, rel, period) -> pa.Table:
        """The landed columns of a batch; strings and person keys stay as parsing left them, plain or
        dictionary-encoded."""
        n = len(lines)
        arrays = []
        for f in schema:
            if f.name == "_source_file":
                arr = _constant(rel, n)
            elif f.name == "_period":
                arr = _constant(period, n)
            elif f.name == "_source_line":
                arr = pa.array(lines, pa.int64())
            elif f.name == "_loaded_at":
                arr = pa.repeat(pa.scalar(self.loaded_at, pa.timestamp("us")), n)
            else:
                arr = columns[f.name]
                if (arr.type.value_type if pa.types.is_dictionary(arr.type) else arr.type) != f.type:
                    arr = arr.cast(f.type)
            arrays.append(arr)
        return pa.Table.from_arrays(arrays, names=schema.names)

    def _quarantine_table(self, ex, batch, checks, first, bad, rel, period) -> pa.Table:
        rows = np.flatnonzero(bad)
        raw_rows = batch.table.take(pa.array(rows)).to_pylist()
        cpr_cols = {c.name for c in ex.columns if c.kind == "cpr"}
        values = []
        for rec in raw_rows:
            clean = {}
            for k, v in rec.items():
                text = None if v is None else str(v)
                if text is not None:
                    text = (
                        self.pseudo.text(text)
                        if k in cpr_cols
                        else mask_cpr_like(redact_text(text) if _free(ex, k) else text)
                    )
                clean[k] = text
            values.append(json.dumps(clean, ensure_ascii=False))
        all_reasons = [[] for _ in rows]
        for c, r, m in checks:
            for j in np.flatnonzero(m[rows]):
                all_reasons[j].append(f"{c}:{r}")
        n = len(rows)
        return pa.table(
            {
                "_source_file": pa.repeat(rel, n),
                "_source_line": pa.array(batch.lines[rows], pa.int64()),
                "_period": pa.repeat(period, n),
                "reason": pa.array([checks[k][1] for k in first[rows]], pa.string()),
                "column": pa.array([checks[k][0] for k in first[rows]], pa.string()),
                "reasons": pa.array(["; ".join(x) for x in all_reasons], pa.string()),
                "row": pa.array(values, pa.string()),
                "_loaded_at": pa.repeat(pa.scalar(self.loaded_at, pa.timestamp("us")), n),
            },
            schema=QUARANTINE_SCHEMA,
        )

    def _fault_table(self, faults: list[ReadFault], rel: str, period: str) -> pa.Table:
        n = len(faults)
        return pa.table(
            {
                "_source_file": pa.repeat(rel, n),
                "_source_line": pa.array([f.line for f in faults], pa.int64()),
                "_period": pa.repeat(period, n),
                "reason": pa.array([f.reason for f in faults]),
                "column": pa.nulls(n, pa.string()),
                "reasons": pa.array([f":{f.reason}" for f in faults]),
                "row": pa.array(
                    [
                        json.dumps({"line": mask_cpr_like(redact_text(f.text))}, ensure_ascii=False)
                        for f in faults
                    ]
                ),
                "_loaded_at": pa.repeat(pa.scalar(self.loaded_at, pa.timestamp("us")), n),
            },
            schema=QUARANTINE_SCHEMA,
        )


class _LandedWriter:
    """The landed Parquet file of one delivery, written batch by batch; the first batch's values choose
    the encodings (store_schema=False: the file reads back as the landed schema, strings as strings).

    Dictionary pages for dates and for strings and person keys that repeat in the first batch (a child's
    key on its check-ins; a parent's key is written plain); delta encoding for other integers and
    timestamps (ids, line numbers and event times mostly grow: check-in file 36 MB -> 17 MB, written
    faster than with dictionary or plain pages); min/max statistics for all but strings (row-group
    pruning on dates and times). A string column whose values hardly repeat in the first batch (a
    guardian id per row) is written plain. Person keys (random, which snappy cannot shrink) and
    delta-encoded columns (already packed) are not compressed."""

    def __init__(self, path: Path, ex: Extract, schema: pa.Schema) -> None:
        self.path, self.ex, self.schema = path, ex, schema
        self.writer: pq.ParquetWriter | None = None
        self.arrow_schema: pa.Schema | None = None

    def write(self, table: pa.Table, batch: pa.Table) -> None:
        """Write `table`, the good rows of `batch` (whose values choose the encodings on the first call)."""
        if self.writer is None:
            self._open(batch)
        arrays = []
        for arr, f in zip(table.columns, self.arrow_schema, strict=True):
            if arr.type != f.type:
                arr = pc.dictionary_encode(arr) if pa.types.is_dictionary(f.type) else arr.cast(f.type)
            if arr.null_count and not f.nullable:  # a bug, not bad input: such rows are quarantined
                raise AssertionError(f"{self.path.name}: nulls in the required column {f.name}")
            arrays.append(arr)
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.arrow_schema))

    def close(self) -> None:
        if self.writer is None:  # no row parsed: an empty file with the landed schema
            self._open(None)
        self.writer.close()

    def discard(self) -> None:
        """Close without completing (the caller removes the file)."""
        if self.writer is not None:
            self.writer.close()

    def _open(self, first: pa.Table | None) -> None:
        def repeats(name: str) -> bool:
            col = first.column(name)
            if not pa.types.is_dictionary(col.type):
                return False
            # A batch's columns are one chunk each: combine_chunks would copy it (1.8 s per copenhagen
            # run). Dictionary entries, not distinct values (counting those costs more)
            entries = sum(len(c.dictionary) for c in col.chunks)
            return entries * DICTIONARY_SHARE <= first.num_rows

        keys = {person_key_name(c.name) for c in self.ex.columns if c.kind == "cpr"}
        candidates = [f.name for f in self.schema if f.type == pa.string() or f.name in keys]
        encoded = {n for n in candidates if first is not None and first.num_rows and repeats(n)}
        fields = [
            pa.field(f.name, pa.dictionary(pa.int32(), f.type), f.nullable) if f.name in encoded else f
            for f in self.schema
        ]
        self.arrow_schema = pa.schema(fields)
        delta = [
            f.name
            for f in self.schema
            if (pa.types.is_integer(f.type) or pa.types.is_timestamp(f.type)) and f.name not in keys
        ]
        dictionary_pages = {f.name for f in self.schema if pa.types.is_date(f.type)} | encoded
        self.writer = pq.ParquetWriter(
            self.path,
            self.arrow_schema,
            store_schema=False,
            use_dictionary=[f.name for f in self.schema if f.name in dictionary_pages],
            compression={
                f.name: "none" if f.name in keys or f.name in delta else "snappy" for f in self.schema
            },
            write_statistics=[f.name for f in self.schema if f.type != pa.string()],
            column_encoding=dict.fromkeys(delta, "DELTA_BINARY_PACKED"),
            dictionary_pagesize_limit=4 << 20,  # the keys of a municipality's children fit: no plain fallback
        )


def _constant(value: str, n: int) -> pa.Array:
    return dictionary_array(pa.array(np.zeros(n, dtype=np.int32)), pa.array([value], pa.string()))


def _free(ex: Extract, name: str) -> bool:
    return any(c.name == name and c.free_text for c in ex.columns)


def _note(outcome: FileOutcome, column: str, reason: str, line: int, count: int = 1, lines=None) -> None:
    outcome.reasons[(column, reason)] += count
    ex = outcome.examples.setdefault((column, reason), [])
    for x in lines if lines is not None else [line]:
        if len(ex) < 5:
            ex.append(int(x))


def _example_period(ex: Extract) -> str:
    return {"month": "2025-03", "date": "2025-03-31", "school_year": "2025-26", "year": "2025"}[ex.period]


def content_hash(data: bytes | None, path: Path) -> str:
    """The delivery's identity in the ledger: BLAKE3 of its bytes (`data`, or the file mapped into memory
    and hashed as it is read), as "blake3:<hex>". BLAKE3, not SHA-256: 5.5 against 1.2 GB/s here, 3 s of
    CPU less a copenhagen run, and as collision-resistant."""
    h = blake3.blake3(data) if data is not None else blake3.blake3().update_mmap(path)
    return f"blake3:{h.hexdigest()}"


def land(raw: Path, landing: Path, key: bytes, progress: bool, rules: HoldRules | None = None) -> int:
    """Land every file under `raw` into `landing`. 0 when every file was read and landed, 1 when any was
    rejected or held (hold.py: `rules` say when, and which held deliveries to land on purpose)."""
    from filelock import Timeout

    raw, landing = Path(raw), Path(landing)
    if not raw.is_dir():
        print(
            f"boernedata land: the raw folder {raw} does not exist; generate or copy extracts there, "
            "or pass --raw",
            file=sys.stderr,
        )
        return 2
    try:
        with zone.lock(landing, timeout=5):
            return Run(raw, landing, key, progress, rules).land_all()
    except Timeout:
        print(f"boernedata land: another landing run holds {landing}; wait for it to finish", file=sys.stderr)
        return 2
