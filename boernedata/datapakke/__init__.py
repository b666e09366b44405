"""`boernedata datapakke`: the half-yearly data packages, one self-contained HTML file (and a PDF) per
institution and half-year, rendered from the published marts only (GitHub issue 6).
"""

from boernedata.datapakke.renderer import render

__all__ = ["render"]
