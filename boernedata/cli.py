"""`boernedata`: generate synthetic extracts, land them, build the warehouse, render data packages.

Each subcommand is a thin shell over a function in its own module. Its options are declared once in
params.py (flag, environment variable, default, help); its exit status means what exit_codes.py says.
"""

from __future__ import annotations

import argparse
import sys

from boernedata import __version__, params, settings
from boernedata.exit_codes import ExitCode

# subcommand -> (help, its options in the order of its usage line)
COMMANDS: dict[str, tuple[str, tuple[params.Option, ...]]] = {
    "generate": (
        "write a synthetic municipality's raw extracts (no real data)",
        (params.SCALE, params.SEED, params.RAW_OUT, params.TRUTH, params.NO_PROGRESS),
    ),
    "land": (
        "validate, pseudonymize and land raw extracts as typed Parquet",
        (
            params.RAW,
            params.LANDING,
            params.DEMO,
            params.ACCEPT_SHRINK,
            params.MAX_DELIVERY_SHRINK,
            params.NO_PROGRESS,
        ),
    ),
    "build": (
        "dbt build on the internal warehouse, then publish the marts",
        (
            params.LANDING,
            params.WAREHOUSE,
            params.ALLOW_SHRINK,
            params.MAX_TABLE_SHRINK,
            params.ALLOW_EMPTY,
            params.FULL_REFRESH,
            params.TARGET,
            params.DBT_ARGS,
        ),
    ),
    "status": ("print the current publication's manifest and the releases kept", (params.WAREHOUSE,)),
    "rollback": (
        "put the previous release of the publication back in place",
        (params.WAREHOUSE, params.TO),
    ),
    "datapakke": (
        "render the half-yearly data packages (HTML + PDF) per institution",
        (
            params.PUBLISHED_WAREHOUSE,
            params.PERIOD,
            params.INSTITUTION,
            params.REPORTS_OUT,
            params.NO_PDF,
            params.NO_PROGRESS,
        ),
    ),
    "dashboard": (
        "serve the dashboard on the published file (read-only; localhost by default)",
        (params.PUBLISHED_WAREHOUSE, params.HOST, params.PORT, params.DATAPAKKER),
    ),
    "analyse": (
        "write the Danish absence analysis report (rate ratios, cause segments per school) for the "
        "early-prevention team. It reads the INTERNAL warehouse (the restricted pupil list) but writes "
        "only aggregated counts, suppressed as the marts are (n < 5 and complementary)",
        (params.WAREHOUSE, params.SCHOOL_YEAR, params.ANALYSE_OUT),
    ),
    "rota-whatif": (
        "move a share of an institution's shifts by N minutes: hours below the staffing norm before/after",
        (
            params.WAREHOUSE,
            params.WHATIF_INSTITUTION,
            params.WHATIF_PERIOD,
            params.WHATIF_SHIFT,
            params.WHATIF_SHARE,
        ),
    ),
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="boernedata",
        description="Quality data for daycare, schools and leisure: raw extracts -> landing -> dbt warehouse "
        "-> published marts and data packages (datapakker).",
    )
    p.add_argument("--version", action="version", version=f"boernedata {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (text, options) in COMMANDS.items():
        command = sub.add_parser(name, help=text, description=text)
        for option in options:
            option.add_to(command)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (settings.MissingKeyError, settings.SettingError) as exc:
        print(f"boernedata {args.command}: {exc}", file=sys.stderr)
        return ExitCode.CANNOT_RUN
    except KeyboardInterrupt:
        print(f"boernedata {args.command}: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "generate":
        from boernedata.generate import generate

        return generate(
            scale=params.SCALE.value(args),
            seed=params.SEED.value(args),
            out=params.RAW_OUT.value(args),
            truth=params.TRUTH.value(args),
            progress=not params.NO_PROGRESS.value(args),
        )

    if args.command == "land":
        from boernedata.landing import land
        from boernedata.landing.hold import HoldRules

        raw = params.RAW.value(args)
        landing = params.LANDING.value(args)
        key, is_demo = settings.pseudonym_key(params.DEMO.value(args))
        if is_demo:
            print(
                f"boernedata land: --demo: using the PUBLIC demo pseudonym key ({settings.ENV_PSEUDONYM_KEY} "
                "is not set). Only for synthetic data.",
                file=sys.stderr,
            )
        rules = HoldRules(
            max_shrink_pct=params.MAX_DELIVERY_SHRINK.value(args), accept=params.ACCEPT_SHRINK.value(args)
        )
        return land(
            raw=raw, landing=landing, key=key, progress=not params.NO_PROGRESS.value(args), rules=rules
        )

    if args.command == "build":
        from boernedata.build import Checks, build

        landing = params.LANDING.value(args)
        warehouse = params.WAREHOUSE.value(args)
        checks = Checks(
            max_shrink_pct=params.MAX_TABLE_SHRINK.value(args),
            allow_shrink=params.ALLOW_SHRINK.value(args),
            allow_empty=params.ALLOW_EMPTY.value(args),
        )
        return build(
            landing=landing,
            warehouse=warehouse,
            dbt_args=params.DBT_ARGS.value(args),
            checks=checks,
            full_refresh=params.FULL_REFRESH.value(args),
            target=params.TARGET.value(args),
        )

    if args.command == "status":
        from boernedata.build.manifest import status

        return status(warehouse=params.WAREHOUSE.value(args))

    if args.command == "rollback":
        from boernedata.build.rollback import rollback

        return rollback(warehouse=params.WAREHOUSE.value(args), to=params.TO.value(args))

    if args.command == "datapakke":
        from boernedata.datapakke import render

        return render(
            warehouse=params.PUBLISHED_WAREHOUSE.value(args),
            period=params.PERIOD.value(args),
            institution=params.INSTITUTION.value(args),
            out=params.REPORTS_OUT.value(args),
            pdf=not params.NO_PDF.value(args),
            progress=False if params.NO_PROGRESS.value(args) else None,
        )

    if args.command == "dashboard":
        from boernedata.dashboard import serve

        return serve(
            published=params.PUBLISHED_WAREHOUSE.value(args),
            host=params.HOST.value(args),
            port=params.PORT.value(args),
            packages=params.DATAPAKKER.value(args),
        )

    if args.command == "analyse":
        from boernedata.analyse import analyse

        return analyse(
            warehouse=params.WAREHOUSE.value(args),
            school_year=params.SCHOOL_YEAR.value(args),
            out=params.ANALYSE_OUT.value(args),
        )

    if args.command == "rota-whatif":
        from boernedata.rota_whatif import rota_whatif

        return rota_whatif(
            warehouse=params.WAREHOUSE.value(args),
            institution=params.WHATIF_INSTITUTION.value(args),
            period=params.WHATIF_PERIOD.value(args),
            shift=params.WHATIF_SHIFT.value(args),
            share=params.WHATIF_SHARE.value(args),
        )

    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
