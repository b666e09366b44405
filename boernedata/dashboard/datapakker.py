"""The data packages the institution page links to: files `boernedata datapakke` wrote
(`<folder>/<YYYY-Hn>/<institution_id>_<name>.html` and `.pdf`, datapakke/renderer.py), served read-only
under `/datapakker/<period>/<file>`. Only those two kinds of file in half-year folders are served; the
file name is never joined into a path unchecked.
"""

from __future__ import annotations

import re
from pathlib import Path

from boernedata.datapakke.periods import parse_half_year

URL_PREFIX = "/datapakker"
_FILE = re.compile(r"^[A-Za-z0-9_-]+\.(html|pdf)$")


def _id_stem(institution_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "_", institution_id)  # as renderer.file_stem spells the id


class Folder:
    def __init__(self, root: Path):
        self.root = Path(root)

    def state(self) -> int:
        """Changes when `boernedata datapakke` has run again (it writes the root index last): part of the
        key of a cached page that links to a package."""
        try:
            return (self.root / "index.html").stat().st_mtime_ns
        except OSError:
            return 0

    def half_years(self) -> list[str]:
        if not self.root.is_dir():
            return []
        found = []
        for d in self.root.iterdir():
            try:
                parse_half_year(d.name)
            except ValueError:
                continue
            if d.is_dir():
                found.append(d.name)
        return sorted(found)

    def latest(self, institution_id: str, name: str, until: str) -> tuple[str, str] | None:
        """(half-year, URL) of the institution's newest package up to `until`, or None."""
        stem = _id_stem(institution_id)
        for period in reversed([p for p in self.half_years() if p <= until]):
            folder = self.root / period
            matches = sorted(
                p.name
                for p in folder.glob(f"{stem}*.html")
                if p.stem == stem or p.stem.startswith(stem + "_")
            )
            if matches:
                return period, f"{URL_PREFIX}/{period}/{matches[0]}"
        return None

    def file(self, period: str, name: str) -> Path | None:
        """The file to serve for /datapakker/<period>/<name>, or None (404)."""
        try:
            parse_half_year(period)
        except ValueError:
            return None
        if not _FILE.match(name):
            return None
        path = self.root / period / name
        return path if path.is_file() else None
