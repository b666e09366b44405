"""Running `dbt build` for a build: the command line, its environment, its output, its results.

dbt runs in a child process beside this warehouse's own target and log folders (releases.Paths), with
the landing folder and warehouse file in the environment that profiles.yml reads. Its output is echoed
as it comes; the build is judged by run_results.json, never by an older one. dbt runs in the build's
process group and dies with its parent (PR_SET_PDEATHSIG), so it cannot keep the internal file locked
after a killed build. A failed run is told node by node (failure_message).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from boernedata import settings
from boernedata.releases import Paths

# run_results statuses that mean the node did what it should. `warn` is a test configured as a warning.
OK_STATUSES = frozenset({"success", "pass", "warn", "no-op"})


def failed_nodes(run_results: dict | None) -> list[dict]:
    """The results of the nodes that did not pass."""
    return [r for r in (run_results or {}).get("results", []) if r.get("status") not in OK_STATUSES]


def run_dbt(
    paths: Paths,
    landing: Path,
    project_dir: Path,
    dbt_args: list[str],
    extra_env: dict[str, str] | None = None,
) -> tuple[int, dict | None, Path]:
    """Run `dbt build`, echo its output, return (exit code, run_results or None, target path). `extra_env`
    is added to the dbt process's environment (an incremental build's first day)."""
    target = _user_flag(dbt_args, "--target-path") or paths.dbt_target
    target = Path(target) if Path(target).is_absolute() else project_dir / target
    target.mkdir(parents=True, exist_ok=True)
    paths.dbt_logs.mkdir(parents=True, exist_ok=True)
    (target / "run_results.json").unlink(missing_ok=True)  # never judge this build by an older run

    dbt_exe = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt_exe)] if dbt_exe.exists() else [sys.executable, "-m", "dbt.cli.main"]
    cmd += ["build", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    cmd += ["--target-path", str(paths.dbt_target), "--log-path", str(paths.dbt_logs), *dbt_args]
    env = dict(os.environ)
    env.update(
        {
            settings.ENV_LANDING: str(landing),
            settings.ENV_WAREHOUSE: str(paths.warehouse),
            **settings.duckdb_resources(paths.warehouse),
            "DBT_PROFILES_DIR": str(project_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": env.get("DBT_SEND_ANONYMOUS_USAGE_STATS", "False"),
        }
    )
    if not sys.stdout.isatty():  # no colour codes in logs and captured output
        env.setdefault("DBT_USE_COLORS", "False")
    # Not env DBT_TARGET_PATH/DBT_LOG_PATH of the caller: the flags above put them beside this warehouse.
    env.pop("DBT_TARGET_PATH", None)
    env.pop("DBT_LOG_PATH", None)
    # Only the build decides what an incremental run recomputes: a value left in the caller's shell would
    # narrow a full build's data tests to recent days.
    env.pop(settings.ENV_INCREMENTAL_SINCE, None)
    env.update(extra_env or {})
    # Same process group as this process (default): Ctrl-C reaches dbt, which cancels cleanly, and a
    # SIGKILL to the group kills both. PDEATHSIG covers a SIGKILL to this process alone.
    proc = subprocess.Popen(
        cmd,  # run in the caller's directory: relative paths in the user's dbt arguments mean what they say
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
        preexec_fn=_die_with_parent,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
        exit_code = proc.wait()
    except BaseException:
        # KeyboardInterrupt: dbt got the SIGINT too; give it time to cancel its queries and exit.
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        raise
    run_results = None
    with contextlib.suppress(OSError, ValueError):
        run_results = json.loads((target / "run_results.json").read_text("utf-8"))
    return exit_code, run_results, target


def _die_with_parent() -> None:
    """In the dbt child: get SIGKILL when the build process dies (Linux), so dbt never outlives it."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent already died before prctl took effect
            os._exit(1)


def _user_flag(args: list[str], flag: str) -> str | None:
    value = None
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(flag + "="):
            value = arg.split("=", 1)[1]
    return value


def failure_message(exit_code: int, failed: list[dict], run_results: dict | None, target: Path) -> str:
    if run_results is None:
        return (
            f"dbt build failed (exit code {exit_code}) before it ran any model or test (see the dbt output "
            f"above; no {target / 'run_results.json'} was written). Nothing was published."
        )
    broken = [r for r in failed if r.get("status") != "skipped"]
    # Skipped models say more than the tests skipped with them: list them first.
    skipped = sorted(
        (_node_label(r) for r in failed if r.get("status") == "skipped"),
        key=lambda n: not n.startswith("model"),
    )
    lines = [f"  {_node_label(r)} {_failure_detail(r)}" for r in broken]
    if len(lines) > 20:
        lines[20:] = [f"  ... and {len(lines) - 20} more (see {target / 'run_results.json'})"]
    if skipped:
        shown = ", ".join(skipped[:4]) + (f" and {len(skipped) - 4} more" if len(skipped) > 4 else "")
        lines.append(f"  {len(skipped)} node(s) skipped because of this: {shown}")
    if not failed:
        lines.append("  (every node passed, but dbt failed: see its output above)")
    head = (
        f"dbt build failed: {len(broken)} node(s) did not pass" if broken else f"dbt exited with {exit_code}"
    )
    return f"{head}; nothing was published.\n" + "\n".join(lines)


def _node_label(result: dict) -> str:
    """`data test not_null_x`, `model int_y`, `unit test test_z` from a run_results entry."""
    parts = result.get("unique_id", "?").split(".")
    kind = {"test": "data test", "unit_test": "unit test"}.get(parts[0], parts[0])
    name = parts[2] if parts[0] == "test" and len(parts) > 2 else parts[-1]
    return f"{kind} {name}"


def _failure_detail(result: dict) -> str:
    status = result.get("status")
    if status == "fail" and result.get("failures") is not None:
        return f"failed: {result['failures']} rows"
    # dbt's message starts with a generic "Runtime Error in model x (path)" line; the cause follows.
    message = [line.strip() for line in (result.get("message") or "").splitlines() if line.strip()]
    if len(message) > 1 and message[0].lower().startswith(
        ("runtime error", "database error", "compilation error")
    ):
        message = message[1:]
    return f"{status}: {' '.join(message[:2]) or 'no message'}"
