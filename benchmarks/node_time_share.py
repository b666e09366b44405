"""What a group of dbt nodes costs in a build: their summed execution time against the rest, from one
build's `run_results.json` and `manifest.json` (e.g. `<warehouse dir>/.dbt/target/`).

    .venv/bin/python benchmarks/node_time_share.py /tmp/cph-build/.dbt/target \
        --group 22=early_warning,watch_list,absence_ --group 24=planning,day_profile,institution_day

A model or seed belongs to a group when one of the group's words is in its file path; a data or unit
test when one is in the path of a model it reads. A node matching two groups counts for the first.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "target", type=Path, help="dbt target folder holding run_results.json and manifest.json"
    )
    parser.add_argument("--group", action="append", default=[], help="NAME=word,word,... (repeatable)")
    args = parser.parse_args()
    results = json.loads((args.target / "run_results.json").read_text())["results"]
    manifest = json.loads((args.target / "manifest.json").read_text())
    nodes = {**manifest["nodes"], **manifest.get("unit_tests", {})}
    groups = {name: words.split(",") for name, words in (g.split("=", 1) for g in args.group)}

    def paths(uid: str) -> str:
        node = nodes.get(uid, {})
        own = node.get("original_file_path", uid)
        if node.get("resource_type") in ("test", "unit_test"):
            own += " " + " ".join(
                nodes.get(d, {}).get("original_file_path", d) for d in node["depends_on"]["nodes"]
            )
        return own

    spent = dict.fromkeys(groups, 0.0)
    total = sum(r["execution_time"] for r in results)
    for r in results:
        where = paths(r["unique_id"])
        for name, words in groups.items():
            if any(w in where for w in words):
                spent[name] += r["execution_time"]
                break
    others = total - sum(spent.values())
    print(f"node time {total:.1f} s over {len(results)} nodes; outside every group {others:.1f} s")
    for name, seconds in spent.items():
        print(
            f"{name}: {seconds:.1f} s = {100 * seconds / total:.1f} % of node time; "
            f"+{100 * seconds / others:.1f} % on the nodes outside every group; "
            f"+{100 * seconds / (total - seconds):.1f} % on all other nodes"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
