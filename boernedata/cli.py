"""`boernedata`: generate synthetic extracts, land them, build the warehouse, render data packages.

Each subcommand is a thin shell over a function in its own module; the flags and environment variables
are those of ../shared/spec/architecture.md. Exit status is non-zero when anything failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from boernedata import __version__, settings

SCALES = ("tiny", "small", "copenhagen", "national")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="boernedata",
        description="Quality data for daycare, schools and leisure: raw extracts -> landing -> dbt warehouse "
        "-> published marts and data packages (datapakker).",
    )
    p.add_argument("--version", action="version", version=f"boernedata {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    g = sub.add_parser("generate", help="write a synthetic municipality's raw extracts (no real data)")
    g.add_argument("--scale", choices=SCALES, default="tiny", help="size of the municipality (default tiny)")
    g.add_argument("--seed", type=int, default=42, help="random seed; same seed, same bytes (default 42)")
    g.add_argument("--out", help=f"raw folder (default ${settings.ENV_RAW} or {settings.DEFAULT_RAW})")
    g.add_argument(
        "--truth",
        help="write the planted ground truth (JSON) here; keep it outside the raw folder "
        "(default: <out>/../truth.json)",
    )
    g.add_argument("--no-progress", action="store_true", help="no progress bar")

    la = sub.add_parser("land", help="validate, pseudonymize and land raw extracts as typed Parquet")
    la.add_argument("--raw", help=f"raw folder (default ${settings.ENV_RAW} or {settings.DEFAULT_RAW})")
    la.add_argument(
        "--landing", help=f"landing folder (default ${settings.ENV_LANDING} or {settings.DEFAULT_LANDING})"
    )
    la.add_argument(
        "--demo",
        action="store_true",
        help=f"synthetic data only: use the public demo key when ${settings.ENV_PSEUDONYM_KEY} is unset",
    )
    la.add_argument(
        "--accept-shrink",
        nargs="*",
        metavar="FILE",
        help="land re-deliveries that were held because they have far fewer rows than what they replace "
        "(all held ones, or only the FILEs named, as paths under the raw folder)",
    )
    la.add_argument(
        "--max-shrink",
        type=float,
        metavar="PCT",
        help="hold a re-delivery with more than PCT %% fewer rows than what it replaces (default "
        f"${settings.ENV_MAX_DELIVERY_SHRINK} or {settings.DEFAULT_MAX_DELIVERY_SHRINK_PCT:g})",
    )
    la.add_argument("--no-progress", action="store_true", help="no progress bar")

    b = sub.add_parser("build", help="dbt build on the internal warehouse, then publish the marts")
    b.add_argument(
        "--landing", help=f"landing folder (default ${settings.ENV_LANDING} or {settings.DEFAULT_LANDING})"
    )
    b.add_argument(
        "--warehouse",
        help=f"internal DuckDB file (default ${settings.ENV_WAREHOUSE} or {settings.DEFAULT_WAREHOUSE})",
    )
    b.add_argument(
        "--allow-shrink",
        action="store_true",
        help="publish even when a published table shrank by more than --max-shrink against the current one",
    )
    b.add_argument(
        "--max-shrink",
        type=float,
        metavar="PCT",
        help="refuse to publish a table with more than PCT %% fewer rows than in the current publication "
        f"(default ${settings.ENV_MAX_TABLE_SHRINK} or {settings.DEFAULT_MAX_TABLE_SHRINK_PCT:g})",
    )
    b.add_argument(
        "--allow-empty",
        action="append",
        metavar="SYSTEM/EXTRACT",
        help="an extract the municipality does not deliver, allowed to have no rows (repeatable; also "
        f"${settings.ENV_ALLOW_EMPTY}, comma-separated); any other empty extract stops the build",
    )
    b.add_argument("dbt_args", nargs=argparse.REMAINDER, help="after --: extra arguments passed to dbt build")

    st = sub.add_parser("status", help="print the current publication's manifest and the releases kept")
    st.add_argument("--warehouse", help="internal DuckDB file; the publication is beside it in published/")

    rb = sub.add_parser("rollback", help="put the previous release of the publication back in place")
    rb.add_argument("--warehouse", help="internal DuckDB file; the publication is beside it in published/")
    rb.add_argument("--to", metavar="RELEASE", help="restore this release id (see `boernedata status`)")

    d = sub.add_parser("datapakke", help="render the half-yearly data packages (HTML + PDF) per institution")
    d.add_argument(
        "--warehouse",
        help="DuckDB file to read the published marts from (default: the published file beside "
        f"${settings.ENV_WAREHOUSE} or {settings.DEFAULT_WAREHOUSE})",
    )
    d.add_argument("--period", help="YYYY-H1 or YYYY-H2 (default: the latest half-year with data)")
    d.add_argument("--institution", help="one institution_id (default: all)")
    d.add_argument("--out", help=f"output folder (default {settings.DEFAULT_REPORTS})")
    d.add_argument("--no-pdf", action="store_true", help="HTML only (faster)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (settings.MissingKeyError, settings.SettingError) as exc:
        print(f"boernedata {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"boernedata {args.command}: interrupted", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "generate":
        from boernedata.generate import generate

        out = settings.resolve_path(args.out, settings.ENV_RAW, settings.DEFAULT_RAW)
        truth = Path(args.truth) if args.truth else out.parent / "truth.json"
        return generate(scale=args.scale, seed=args.seed, out=out, truth=truth, progress=not args.no_progress)

    if args.command == "land":
        from boernedata.landing import land
        from boernedata.landing.hold import HoldRules

        raw = settings.resolve_path(args.raw, settings.ENV_RAW, settings.DEFAULT_RAW)
        landing = settings.resolve_path(args.landing, settings.ENV_LANDING, settings.DEFAULT_LANDING)
        key, is_demo = settings.pseudonym_key(args.demo)
        if is_demo:
            print(
                f"boernedata land: --demo: using the PUBLIC demo pseudonym key ({settings.ENV_PSEUDONYM_KEY} "
                "is not set). Only for synthetic data.",
                file=sys.stderr,
            )
        max_shrink = settings.resolve_percent(
            args.max_shrink, settings.ENV_MAX_DELIVERY_SHRINK, settings.DEFAULT_MAX_DELIVERY_SHRINK_PCT
        )
        accept = None if args.accept_shrink is None else tuple(args.accept_shrink)
        rules = HoldRules(max_shrink_pct=max_shrink, accept=accept)
        return land(raw=raw, landing=landing, key=key, progress=not args.no_progress, rules=rules)

    if args.command == "build":
        from boernedata.build import Checks, build

        landing = settings.resolve_path(args.landing, settings.ENV_LANDING, settings.DEFAULT_LANDING)
        warehouse = settings.resolve_path(args.warehouse, settings.ENV_WAREHOUSE, settings.DEFAULT_WAREHOUSE)
        extra = [a for a in args.dbt_args if a != "--"]
        checks = Checks(
            max_shrink_pct=settings.resolve_percent(
                args.max_shrink, settings.ENV_MAX_TABLE_SHRINK, settings.DEFAULT_MAX_TABLE_SHRINK_PCT
            ),
            allow_shrink=args.allow_shrink,
            allow_empty=tuple(settings.resolve_list(args.allow_empty, settings.ENV_ALLOW_EMPTY)),
        )
        return build(landing=landing, warehouse=warehouse, dbt_args=extra, checks=checks)

    if args.command == "status":
        from boernedata.build.manifest import status

        warehouse = settings.resolve_path(args.warehouse, settings.ENV_WAREHOUSE, settings.DEFAULT_WAREHOUSE)
        return status(warehouse=warehouse)

    if args.command == "rollback":
        from boernedata.build.rollback import rollback

        warehouse = settings.resolve_path(args.warehouse, settings.ENV_WAREHOUSE, settings.DEFAULT_WAREHOUSE)
        return rollback(warehouse=warehouse, to=args.to)

    if args.command == "datapakke":
        from boernedata.datapakke import render
        from boernedata.releases import published_db

        if args.warehouse:
            source = Path(args.warehouse)
        else:
            internal = settings.resolve_path(None, settings.ENV_WAREHOUSE, settings.DEFAULT_WAREHOUSE)
            source = published_db(internal)
        out = Path(args.out) if args.out else settings.DEFAULT_REPORTS
        return render(
            warehouse=source,
            period=args.period,
            institution=args.institution,
            out=out,
            pdf=not args.no_pdf,
        )

    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
