"""The exit status of every `boernedata` command, and what each one means (README, "The command line").

A scheduler can act on them: 1 needs a person to look at what the command said, 2 needs the command
line or its environment fixed, 3 is worth a retry later.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    # Something the command was asked to do failed, and the command said what and what to do: a raw file
    # rejected or a re-delivery held (land), dbt or a publication check failed (build), nothing to roll
    # back to (rollback), nothing published yet (status), a PDF that could not be written (datapakke).
    FAILED = 1
    # The command could not start as asked: a flag or environment variable with a value it cannot use, a
    # folder or file that does not exist, the pseudonym key missing, too short or not the landing zone's,
    # an unknown extract, a half-year that is not published, another landing run holding the landing zone;
    # and `land`'s stop when two persons of the register share a key; a `dashboard --warehouse` that is not
    # a publication (missing, or the internal warehouse) or a port already taken. argparse's usage errors
    # exit 2 too. `rota-whatif`: an institution or half-year without a day profile, a share outside 0-1.
    CANNOT_RUN = 2
    # Another build or rollback holds the build lock; nothing was changed. Try again when it is done.
    # `rota-whatif`: a build holds the internal warehouse open.
    BUSY = 3
    # Interrupted (Ctrl-C: 128 + SIGINT); a build publishes nothing, the last publication stays.
    INTERRUPTED = 130
