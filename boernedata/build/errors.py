"""The error of a build, publishing or rollback step, and how the build commands speak.

A step that cannot go on raises BuildError with a message that says what happened and what to do; the
command (task.py, rollback.py) prints it and returns its exit code. Messages start with the command's
name, on stdout for what happened and stderr for what went wrong.
"""

from __future__ import annotations

import sys


class BuildError(RuntimeError):
    """A build, publishing or rollback step failed; the message says what and what to do."""


def say(prog: str, message: str) -> None:
    print(f"{prog}: {message}", flush=True)


def err(prog: str, message: str) -> None:
    print(f"{prog}: {message}", file=sys.stderr, flush=True)
