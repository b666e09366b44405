"""What landing one file came to: its ledger record (ledger.Delivery), and what the run does with it once
the file is done: the messages for the console, the rows quarantined per column and reason with their
first lines (for the report), the redactions, and the parsed sample rows for the extract's GE suite.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from boernedata.landing.ledger import Delivery


@dataclass
class FileOutcome:
    delivery: Delivery
    reasons: Counter = field(default_factory=Counter)  # (column, reason) -> rows
    examples: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # -> first line numbers
    redactions: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # for the console, said when the file is recorded
    samples: list = field(default_factory=list)  # (parsed rows as Arrow, counts) for the GE suite

    def note(self, column: str, reason: str, line: int, count: int = 1, lines=None) -> None:
        """Count `count` rows quarantined for (column, reason) and keep the first five of their lines."""
        self.reasons[(column, reason)] += count
        ex = self.examples.setdefault((column, reason), [])
        for x in lines if lines is not None else [line]:
            if len(ex) < 5:
                ex.append(int(x))
