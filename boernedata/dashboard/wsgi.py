"""The dashboard as a WSGI app for any WSGI server, configured from the environment as the command line is
(params.py): the published file beside `$BOERNEDATA_WAREHOUSE` (default warehouse/boernedata.duckdb),
data packages from `$BOERNEDATA_DATAPAKKER` (default reports/datapakker).

    gunicorn --workers 2 --threads 8 --bind 127.0.0.1:8050 boernedata.dashboard.wsgi:server
    waitress-serve --listen 127.0.0.1:8050 boernedata.dashboard.wsgi:server
"""

from __future__ import annotations

from boernedata import settings
from boernedata.dashboard.app import create_app
from boernedata.releases import published_db

app = create_app(
    published_db(settings.resolve_path(None, settings.ENV_WAREHOUSE, settings.DEFAULT_WAREHOUSE)),
    settings.resolve_path(None, settings.ENV_DATAPAKKER, settings.DEFAULT_REPORTS),
)
server = app.server
