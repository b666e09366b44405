"""`boernedata land`: every raw file -> validated, pseudonymized, typed Parquet, a quarantine and a ledger.

This module runs a landing: it takes the landing zone's lock, checks the pseudonym key against the zone,
lands the files WORKERS at a time (each by delivery.py), and records each outcome as it finishes: its
messages, its new persons (persons.py), its ledger line (ledger.py) and its GE samples (suite_runner.py).
Then it compacts the person register, finishes the GE suites, writes the report (report.py) and decides
the exit code: 1 when a file was rejected or held, 2 when the run could not start.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from boernedata import landing_zone as zone
from boernedata import settings
from boernedata.contracts import EXTRACTS_BY_KEY
from boernedata.exit_codes import ExitCode
from boernedata.landing import persons
from boernedata.landing.cpr import Pseudonymizer
from boernedata.landing.delivery import RunContext, land_path
from boernedata.landing.hold import HoldRules, ShrinkGuard
from boernedata.landing.ledger import Ledger
from boernedata.landing.outcome import FileOutcome
from boernedata.landing.report import write_report
from boernedata.landing.suite_runner import SuiteRunner

# Files landed at the same time: one more than the cores, so a thread waiting on I/O leaves no core
# free (measured: docs/benchmarks.md), capped because every file in flight holds its raw bytes and a
# batch in memory.
WORKERS = min(8, (os.cpu_count() or 2) + 1)


def run_time(clock: dt.datetime, last_landed_at: dt.datetime | None) -> tuple[dt.datetime, str]:
    """The run's time (the landed `_loaded_at` and the ledger's `landed_at`, UTC without a time zone) and a
    note when the clock had to be overruled. The models take the latest landed delivery of a row as the one
    with the latest `_loaded_at`, so a run must never be stamped before an earlier run: with this machine's
    clock behind the ledger's latest run, a correction landed now would lose to the delivery it corrects.
    Then the run is stamped one second after that run (the ledger keeps whole seconds), and says so."""
    earliest = (
        None if last_landed_at is None else last_landed_at.replace(microsecond=0) + dt.timedelta(seconds=1)
    )
    if earliest is None or clock >= earliest:
        return clock, ""
    if clock >= last_landed_at:  # within the latest run's second: no clock fault, just as precise
        return earliest, ""
    return earliest, (
        f"note: this machine's clock ({clock:%Y-%m-%d %H:%M:%S} UTC) is not after the latest landing run "
        f"in the ledger ({last_landed_at:%Y-%m-%d %H:%M:%S} UTC); this run is stamped "
        f"{earliest:%Y-%m-%d %H:%M:%S} so that what it lands stays later than what landed before. Check "
        "the clock (NTP)."
    )


class Run:
    """One landing run: every raw file landed, each outcome recorded as it finishes, then the person
    register compacted, the GE suites finished, the report written and the exit code decided."""

    def __init__(
        self,
        raw: Path,
        landing: Path,
        key: bytes,
        progress: bool,
        rules: HoldRules | None = None,
    ) -> None:
        self.raw, self.landing, self.progress = Path(raw), Path(landing), progress
        self.pseudo = Pseudonymizer(key)
        self.ledger = Ledger(self.landing)
        now, self.clock_note = run_time(
            dt.datetime.now(dt.UTC).replace(tzinfo=None), self.ledger.last_landed_at
        )
        self.run_id = now.strftime("%Y%m%dT%H%M%SZ")
        self.ctx = RunContext(
            raw=self.raw,
            landing=self.landing,
            pseudo=self.pseudo,
            ledger=self.ledger,
            guard=ShrinkGuard(self.landing, self.raw, rules or HoldRules()),
            loaded_at=now,
            run_id=self.run_id,
            # Landed rows whose persons are not in the register (it was deleted, or the landing predates
            # it): every delivery lands again, which registers them
            reland=persons.missing(self.landing),
        )
        self.suites = SuiteRunner()
        self.outcomes: list[FileOutcome] = []
        self._recorded: Counter = Counter()  # files recorded per extract
        self._person_parts = 0
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

    def _warn_of_foreign_schemas(self) -> None:
        """Files in the folder with another version's columns (landed by an older or newer boernedata, or
        written by hand): this run lands fine, but `build` will refuse the folder, so say it now."""
        foreign = zone.foreign_schemas(self.landing)
        if foreign:
            first = foreign[0]
            self.say(
                f"WARNING: {len(foreign)} landed file(s) in {self.landing} do not have the columns this "
                f"version lands (e.g. {first.file.relative_to(self.landing)}: {first.problem}); `boernedata "
                "build` refuses this folder. Land the raw files again into a new landing folder."
            )

    # ------------------------------------------------------------------------------------ files

    def files(self) -> list[Path]:
        return sorted(p for p in self.raw.rglob("*") if p.is_file())

    def land_all(self) -> int:
        from tqdm import tqdm

        if not persons.key_matches(self.landing, self.pseudo.pseudonym(persons.KEY_CHECK_TEXT)):
            self.say(
                f"ERROR: {settings.ENV_PSEUDONYM_KEY} is not the key the rows in {self.landing} were "
                "pseudonymized with, so new rows would not match them. Set the key it was built with, or "
                "land into an empty folder to pseudonymize every delivery with this key. Nothing landed."
            )
            return ExitCode.CANNOT_RUN
        if self.clock_note:
            self.say(self.clock_note)
        files = self.files()
        if self.ctx.reland:
            self.say(
                f"the person register {zone.persons_dir(self.landing)} is missing or empty while rows are "
                "landed: every delivery lands again, which registers its persons"
            )
        sizes = {p.relative_to(self.raw).as_posix(): p.stat().st_size for p in files}
        total = sum(sizes.values())
        self.ctx.files_per_extract = Counter(self._extract_key(p) for p in files)
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
            return ExitCode.CANNOT_RUN
        extracts = {
            o.delivery.extract: EXTRACTS_BY_KEY[o.delivery.extract]
            for o in self.outcomes
            if o.delivery.extract in EXTRACTS_BY_KEY
        }
        self.suites.finish(extracts)
        for err in self.suites.errors:
            self.say(f"WARNING (Great Expectations cross-check): {err}")
        zone.write_schema_files(self.landing)
        self._warn_of_foreign_schemas()
        report = write_report(self.landing, self.raw, self.run_id, self.outcomes, self.suites)
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
            self.say(f"Exit status {int(ExitCode.FAILED)}.")
            return ExitCode.FAILED
        return ExitCode.OK

    def _order(self, files: list[Path], sizes: dict[str, int]) -> list[Path]:
        """Extract by extract, the smallest extracts first, each one's files largest first. A suite
        validates when the extract's last file lands and costs about the same however small the extract:
        the small ones validate while the large ones land. (Largest files first over all left the worker
        validating small extracts after the last file had landed, one core idle: docs/benchmarks.md.)"""

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
        process per core was tried and gained nothing for the extra code (docs/benchmarks.md), as each
        process imports everything and HMACs every number again."""
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for future in as_completed([pool.submit(land_path, self.ctx, p) for p in files]):
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
        if key in EXTRACTS_BY_KEY and self._recorded[key] == self.ctx.files_per_extract[key]:
            self.suites.flush(EXTRACTS_BY_KEY[key])  # validate while the other extracts land


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
        return ExitCode.CANNOT_RUN
    try:
        with zone.lock(landing, timeout=5):
            return Run(raw, landing, key, progress, rules).land_all()
    except Timeout:
        print(f"boernedata land: another landing run holds {landing}; wait for it to finish", file=sys.stderr)
        return ExitCode.CANNOT_RUN
