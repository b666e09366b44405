"""The report page and the command's entry point: `boernedata analyse` writes one self-contained Danish
HTML file with the forest plot of the rate ratios, the table behind it, the concerning pupils per school
and cause segment (suppressed: data.segment_table) and the rule set of the segmentation."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import jinja2

from boernedata.analyse import data, forest
from boernedata.exit_codes import ExitCode

TEMPLATES = Path(__file__).parent / "templates"


def _num(x: float) -> str:
    return f"{x:.2f}".replace(".", ",").replace(",00", "")


def _hidden_text(reason: str | None) -> str:
    if reason == "n_lt_5":
        return "skjult: færre end 5 elever"
    if reason == "complementary":
        return "skjult, så et andet skjult tal ikke kan regnes ud"
    return "kan ikke estimeres med disse data"


def render(con, school_year: str) -> str:
    factors = data.factors(con)
    table = data.segment_table(con, school_year)
    names = [f"{name} ({school_id})" for school_id, name in table.schools] + ["Alle skoler"]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    return env.get_template("report.html.j2").render(
        table=table,
        factors=factors,
        svg=forest.forest_svg(factors),
        method=factors[0].method if factors else "",
        segments=data.SEGMENTS,
        segment_names=data.SEGMENT_NAMES_DA,
        rows=table.counts.shape[0],
        cols=table.counts.shape[1],
        row_label=lambda i: names[i],
        signals=data.signals(con),
        num=_num,
        hidden_text=_hidden_text,
        created=dt.date.today().isoformat(),
    )


def analyse(warehouse: Path, school_year: str | None, out: Path) -> int:
    try:
        con = data.connect(warehouse)
    except data.AnalyseError as exc:
        print(f"boernedata analyse: {exc}", file=sys.stderr)
        return ExitCode.CANNOT_RUN
    with con:
        years = data.school_years(con)
        if not years:
            print("boernedata analyse: the warehouse has no pupils with 20 school days yet", file=sys.stderr)
            return ExitCode.FAILED
        year = school_year or years[-1]
        if year not in years:
            print(
                f"boernedata analyse: no school year {year}; the warehouse has {', '.join(years)}",
                file=sys.stderr,
            )
            return ExitCode.CANNOT_RUN
        html = render(con, year)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"fravaersanalyse_{year.replace('/', '-')}.html"
    path.write_text(html, encoding="utf-8")
    print(f"boernedata analyse: wrote {path}")
    return ExitCode.OK
