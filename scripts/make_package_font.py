"""Make the data packages' PDF font, Boernedata Sans, from DejaVu Sans (maintainers only; the result is
committed in boernedata/datapakke/fonts/).

    .venv/bin/pip install fonttools
    .venv/bin/python scripts/make_package_font.py [--dejavu /usr/share/fonts/truetype/dejavu]

Why a bundled font: a PDF looks the same on every machine, whatever fonts it has installed (without
DejaVu Sans, which a bare machine lacks, Typst falls back to a serif). Why a subset: 155 KB for the four
styles instead of 2.7 MB, holding Latin-1, Latin Extended-A and the punctuation, arrows and signs the
packages use, with kerning kept. (Typst runs 8 % fewer instructions a package with it than with the full
DejaVu Sans, but whole runs on this machine were no faster beyond its noise: docs/benchmarks.md, eleventh
session.) The glyphs are DejaVu Sans' own.

The Bitstream Vera licence, which DejaVu Sans carries, allows modified fonts under a name without
"Bitstream" or "Vera"; its notice ships beside the fonts (fonts/LICENSE) and stays in each font's name
table.
"""

from __future__ import annotations

import argparse
import string
from pathlib import Path

FAMILY = "Boernedata Sans"
OUT = Path(__file__).resolve().parents[1] / "boernedata" / "datapakke" / "fonts"
STYLES = {  # DejaVu Sans file -> style
    "DejaVuSans.ttf": "Regular",
    "DejaVuSans-Bold.ttf": "Bold",
    "DejaVuSans-Oblique.ttf": "Oblique",
    "DejaVuSans-BoldOblique.ttf": "Bold Oblique",
}
CHARACTERS = (
    string.printable
    + "".join(map(chr, range(0xA0, 0x180)))  # Latin-1 Supplement and Latin Extended-A
    + "–—‐‑‒―‘’‚“”„†‡•…‰′″‹›€−←↑→↓≤≥≈≠×÷±∞√●"
)
NAME_IDS = {
    1: "{family}",
    3: "{family} {style}",
    4: "{family} {style}",
    6: "{ps}",
    16: "{family}",
    21: "{family}",
}


def make(dejavu: Path, out: Path) -> list[Path]:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source, style in STYLES.items():
        font = TTFont(dejavu / source, recalcTimestamp=False)  # the same bytes on every run
        options = subset.Options()
        options.layout_features = ["kern"]  # no ligatures in the packages (package.typ); kerning kept
        options.hinting = False  # smaller; the outlines are unchanged
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.drop_tables += ["FFTM", "MATH"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=CHARACTERS)
        subsetter.subset(font)
        ps = f"{FAMILY.replace(' ', '')}-{style.replace(' ', '')}"
        for record in font["name"].names:
            if record.nameID in NAME_IDS:
                record.string = NAME_IDS[record.nameID].format(family=FAMILY, style=style, ps=ps)
        path = out / f"{ps}.ttf"
        font.save(path)
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dejavu", type=Path, default=Path("/usr/share/fonts/truetype/dejavu"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    for path in make(args.dejavu, args.out):
        print(f"{path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
