"""The Dash app: the page frame (navigation, institution finder, footer), the router callback, the filter
callbacks, and the Flask server's part: HTTP 404 for an unknown URL, the data packages, Danish error
pages, a `Server-Timing` header and no stack trace ever.

Why Dash (docs/dashboard.md): deep-linkable pages and Plotly charts in Python only, served by a Flask app
that production WSGI servers (waitress, gunicorn) run as it is; everything it sends the browser ships in
the Python package (no CDN, no network).
"""

from __future__ import annotations

import json
import logging
import time
from html import escape
from pathlib import Path
from urllib.parse import urlencode

import dash
import flask
from dash import ALL, Input, Output, State, ctx, dcc, html

from boernedata.dashboard import components as ui
from boernedata.dashboard import data, datapakker, routes
from boernedata.dashboard.cache import ResponseCache
from boernedata.dashboard.pages import NotFound, Page
from boernedata.dashboard.publication import NotPublished, Publication
from boernedata.datapakke.content import TYPE_DA

log = logging.getLogger("boernedata.dashboard")
ASSETS = Path(__file__).parent / "assets"
APP_NAME = "Børnedata"
# Paths that are the app's machinery, not pages: Dash's own routes, the assets and the data packages.
MACHINERY = ("/_dash", "/_favicon", "/_reload", "/assets/", datapakker.URL_PREFIX + "/")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",
}
# Finished pages kept per release (cache.py); a Copenhagen page is 50-300 KB.
CACHE_BYTES = 256 * 1024 * 1024
UPDATE = "/_dash-update-component"
LAYOUT = "/_dash-layout"

INDEX = """<!DOCTYPE html>
<html lang="da">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        <noscript>Børnedata kræver JavaScript i browseren.</noscript>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


class _Dash(dash.Dash):
    def interpolate_index(self, **kwargs):
        """The page shell; for an unknown URL it says so in Danish before any script runs (HTTP 404)."""
        message = flask.g.get("not_found_message")
        text = f"Siden findes ikke. {message}" if message else "Indlæser …"
        kwargs["app_entry"] = kwargs.get("app_entry", "").replace("Loading...", escape(text))
        return super().interpolate_index(**kwargs)


def create_app(
    published: Path, packages_folder: Path | None = None, cache_bytes: int = CACHE_BYTES
) -> dash.Dash:
    """The dashboard on the published DuckDB file `published` (a path through the `published` link).
    `cache_bytes=0` draws every page afresh (the benchmark measures both)."""
    publication = Publication(published)
    cache = ResponseCache(cache_bytes)
    packages = datapakker.Folder(packages_folder) if packages_folder else None
    app = _Dash(
        __name__,
        assets_folder=str(ASSETS),
        title=APP_NAME,
        update_title=None,
        suppress_callback_exceptions=True,
        serve_locally=True,
        enable_mcp=False,
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {"name": "description", "content": "Kvalitetsdata for dagtilbud, skole og fritid"},
        ],
    )
    app.index_string = INDEX
    # No developer tools; and no check of Dash's version against plotly.com from the browser.
    app.enable_dev_tools(debug=False, dev_tools_disable_version_check=True)
    app.layout = lambda: _frame(publication)
    app.publication = publication  # for tests and the benchmark
    app.response_cache = cache
    _callbacks(app, publication, packages)
    _server(app.server, publication, packages, cache)
    return app


# --- the frame -------------------------------------------------------------------------------------


def _frame(publication: Publication) -> html.Div:
    """Navigation and finder around the page; the finder's choices come from the current release."""
    try:
        with publication.snapshot() as snap:
            options = [
                {
                    "label": f"{i['name']} ({TYPE_DA.get(i['institution_type'] or '', '')}, "
                    f"{i['district'] or ''})",
                    "value": i["institution_id"],
                }
                for i in data.institutions(snap).values()
            ]
            if flask.has_request_context():
                flask.g.release_identity = snap.identity
    except NotPublished:
        options = []
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            dcc.Store(id="title"),
            html.Div(id="title-sink", hidden=True),
            html.Header(
                [
                    dcc.Link(APP_NAME, href="/", className="brand"),
                    html.Nav(
                        [
                            dcc.Link("Overblik", href="/"),
                            dcc.Link("Årshjul", href="/aarshjul"),
                            dcc.Link("Opmærksomhed", href="/opmaerksomhed"),
                        ],
                        className="main-nav",
                        **{"aria-label": "Hovedmenu"},
                    ),
                    dcc.Dropdown(
                        id="finder",
                        options=options,
                        placeholder="Find en institution …",
                        className="finder",
                        clearable=True,
                    ),
                ],
                className="top",
            ),
            html.Main(id="page", className="page"),
            html.Footer(id="footer", className="bottom"),
        ]
    )


def _footer(snap) -> list:
    manifest = snap.manifest
    built = (manifest.get("finished_at") or "").replace("T", " ").replace("Z", " UTC")
    return [
        "Kilde: de publicerede data (kun aggregerede tal; tal om færre end 5 personer er skjult). ",
        html.Span(f"Udgivelse {snap.release_id}" + (f", dannet {built}" if built else ""), id="release"),
    ]


def _callbacks(app: dash.Dash, publication: Publication, packages: datapakker.Folder | None) -> None:
    @app.callback(
        Output("page", "children"),
        Output("title", "data"),
        Output("footer", "children"),
        Output("finder", "value"),
        Input("url", "pathname"),
        Input("url", "search"),
    )
    def route(pathname, search):
        try:
            with publication.snapshot() as snap:
                page = routes.page(snap, pathname, search, {"packages": packages})
                footer = _footer(snap)
                flask.g.release_identity = snap.identity
        except NotPublished as exc:
            log.warning("%s", exc)
            page, footer = _unavailable(), ""
        except Exception:  # a page must never show a stack trace: log it, say so in Danish
            log.exception("page %s%s failed", pathname, search or "")
            page, footer = _failed(), ""
        return page.body, f"{page.title} · {APP_NAME}", footer, None  # the finder is ready for the next

    app.clientside_callback(
        "function(title) { if (title) { document.title = title; } return ''; }",
        Output("title-sink", "children"),
        Input("title", "data"),
    )

    @app.callback(
        Output("url", "search"),
        Input({"type": "filter", "param": ALL}, "value"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def filter_changed(values, search):
        query = routes.parse_query(search)
        changed = False
        for item in ctx.inputs_list[0]:
            param, value = item["id"]["param"], item.get("value")
            if value and query.get(param) != value:
                query[param] = value
                changed = True
        if not changed:
            return dash.no_update
        return "?" + urlencode(query)

    @app.callback(Output("url", "href"), Input("finder", "value"), prevent_initial_call=True)
    def find(institution_id):
        if not institution_id:
            return dash.no_update
        return ui.institution_href(institution_id)


def _unavailable() -> Page:
    return Page(
        "Ingen data",
        html.Div(
            [
                html.H1("Der er ingen publicerede data endnu"),
                html.P(
                    "Dashboardet viser kun den publicerede fil, og den findes ikke (endnu) eller kan ikke "
                    "læses. "
                    "Når en kørsel af boernedata har publiceret data, vises de her ved næste sideindlæsning."
                ),
            ],
            className="notice",
        ),
        status=503,
    )


def _failed() -> Page:
    return Page(
        "Fejl",
        html.Div(
            [
                html.H1("Siden kunne ikke vises"),
                html.P("Der skete en fejl. Prøv at indlæse siden igen; fejlen er skrevet i serverens log."),
                html.P(dcc.Link("Gå til overblikket", href="/")),
            ],
            className="notice",
        ),
        status=500,
    )


# --- the Flask side --------------------------------------------------------------------------------


def _cache_key(request: flask.Request, packages: datapakker.Folder | None) -> tuple | None:
    """What identifies a cacheable answer besides the release: the page frame, or the router callback's
    path and query (and the data packages' state, which the institution page links to)."""
    if request.method == "GET" and request.path == LAYOUT:
        return ("layout",)
    if request.method != "POST" or request.path != UPDATE:
        return None
    try:
        payload = json.loads(request.get_data(cache=True))
        inputs = {(i["id"], i["property"]): i.get("value") for i in payload.get("inputs", [])}
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if not str(payload.get("output", "")).startswith("..page.children") or ("url", "pathname") not in inputs:
        return None
    state = packages.state() if packages else 0
    return ("page", inputs[("url", "pathname")], inputs.get(("url", "search")) or "", state)


def _server(
    server: flask.Flask, publication: Publication, packages: datapakker.Folder | None, cache: ResponseCache
) -> None:
    @server.before_request
    def start_and_check():
        flask.g.started = time.perf_counter()
        request = flask.request
        if cache.enabled:
            key = _cache_key(request, packages)
            identity = publication.identity() if key else None
            if key and identity:
                flask.g.cache_key = key
                hit = cache.get((identity, *key))
                if hit is not None:
                    flask.g.cache_hit = True
                    return flask.Response(hit[0], mimetype=hit[1])
        if request.path.startswith(datapakker.URL_PREFIX + "/") and request.endpoint != "package":
            return _plain(404, "Datapakken findes ikke", "Adressen er ikke en datapakke.")
        if request.method != "GET" or request.path.startswith(MACHINERY):
            return None
        try:
            with publication.snapshot() as snap:
                routes.check(snap, request.path, request.query_string.decode("utf-8", "replace"))
        except NotFound as exc:
            flask.g.not_found_message = exc.message
        except NotPublished as exc:
            log.warning("%s", exc)
            return _plain(
                503, "Der er ingen publicerede data endnu", "Prøv igen, når en kørsel har publiceret data."
            )
        return None

    @server.after_request
    def finish(response: flask.Response) -> flask.Response:
        if flask.g.get("not_found_message"):
            response.status_code = 404
        key = flask.g.get("cache_key")
        if (
            key
            and not flask.g.get("cache_hit")
            and response.status_code == 200
            and not response.direct_passthrough
        ):
            identity = flask.g.get("release_identity")  # of the release the answer was drawn from
            if identity:
                cache.put((identity, *key), response.get_data(), response.mimetype)
        started = flask.g.get("started")
        if started is not None:
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @server.route(f"{datapakker.URL_PREFIX}/<period>/<name>")
    def package(period: str, name: str):
        path = packages.file(period, name) if packages else None
        if path is None:
            return _plain(
                404, "Datapakken findes ikke", "Datapakken er ikke dannet, eller adressen er forkert."
            )
        return flask.send_file(path, max_age=60)

    @server.errorhandler(404)
    def not_found(_exc):
        return _plain(404, "Siden findes ikke", "Adressen findes ikke.")

    @server.errorhandler(Exception)
    def failed(exc):
        if isinstance(exc, NotFound):
            return _plain(404, "Siden findes ikke", exc.message)
        code = getattr(exc, "code", None)
        if isinstance(code, int) and 400 <= code < 500:
            return _plain(
                code, "Forespørgslen kunne ikke bruges", "Adressen eller forespørgslen er ikke gyldig."
            )
        log.exception("request %s failed", flask.request.path)
        return _plain(500, "Der skete en fejl", "Prøv igen om lidt; fejlen er skrevet i serverens log.")


def _plain(status: int, title: str, text: str) -> flask.Response:
    body = (
        '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8">'
        f"<title>{escape(title)} · {APP_NAME}</title>"
        '<link rel="stylesheet" href="/assets/style.css"></head><body><main class="page notice">'
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p>"
        '<p><a href="/">Gå til overblikket</a></p></main></body></html>'
    )
    return flask.Response(body, status=status, mimetype="text/html")
