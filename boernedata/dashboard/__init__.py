"""`boernedata dashboard`: a browsable dashboard on the published file (the graphical LIS; GitHub issue 23).

One module a job:
- publication.py  read-only access to the published DuckDB file: a database per release, reopened after a
                  swap; the internal warehouse refused
- data.py         every query (parameterized), withheld cells blanked as they are read
- filters.py      the query string's filters, checked (unknown value: Danish 404)
- routes.py       URL -> page, the Danish 404 page
- pages/          one module a page type (its __init__.py has the table of paths)
- components.py   Danish building blocks: numbers, withheld cells, the table behind each chart, filters
- figures.py      Plotly figures as dicts, and the tiles' small SVG pictures
- datapakker.py   the data packages the institution page links to
- app.py          the Dash app and its Flask server: router, callbacks, 404 status, headers
- server.py       serving it (waitress), what `boernedata dashboard` runs; wsgi.py for other WSGI servers
"""

from boernedata.dashboard.server import serve

__all__ = ["serve"]
