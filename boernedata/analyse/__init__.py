"""`boernedata analyse`: the cross-sector absence analysis as a Danish HTML report (issue 22).

It reads the INTERNAL warehouse (the early-prevention team's tool: the cause segments come from the
restricted pupil list) and writes aggregates only, suppressed by the marts' rules. One module a job:

- suppression.py  primary (n < 5) and complementary suppression of a count table with its margins
- data.py         the figures: rate ratios (marts.absence_risk_factors) and segments per school
- forest.py       the forest plot of the rate ratios as inline SVG (no network, no JavaScript)
- report.py       the HTML page and the command's entry point
"""

from boernedata.analyse.report import analyse

__all__ = ["analyse"]
