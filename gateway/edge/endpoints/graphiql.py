"""The demo-mode GraphiQL page, served from the assets in gateway/edge/endpoints/static/graphiql."""

from __future__ import annotations

import html
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

GRAPHIQL_STATIC_DIR: Path = Path(__file__).parent / "static" / "graphiql"

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Penghubung GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{prefix}/graphiql.min.css">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL&hellip;</div>
<script src="{prefix}/react.production.min.js"></script>
<script src="{prefix}/react-dom.production.min.js"></script>
<script src="{prefix}/graphiql.min.js"></script>
<script nonce="{nonce}">
const config = {config};
// POST JSON only: the multipart (incremental delivery) fetcher is not needed here.
// GraphiQL passes the headers typed into its header editor to the fetcher on every
// request, and createFetcher merges them in, so "Authorization: Bearer ..." works.
const fetcher = GraphiQL.createFetcher({{
  url: config.endpoint,
  enableIncrementalDelivery: false,
}});
const props = {{
  fetcher,
  isHeadersEditorEnabled: true,
  defaultEditorToolsVisibility: "headers",
}};
if (config.defaultQuery) props.defaultQuery = config.defaultQuery;
ReactDOM.createRoot(document.getElementById("graphiql"))
  .render(React.createElement(GraphiQL, props));
</script>
</body>
</html>
"""


def _script_json(value: object) -> str:
    # JSON is valid JavaScript, but "</script>" or "<!--" inside a string would end or
    # confuse the script element; escaping <, > and & as \u00XX keeps the same value.
    text = json.dumps(value)  # ensure_ascii also escapes U+2028/U+2029
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True, slots=True)
class GraphiQLPage:
    """The page and the Content-Security-Policy header it must be served with."""

    html: str
    csp: str


def graphiql_csp(*, endpoint: str, nonce: str) -> str:
    """The page's policy: local assets only, enforced by the browser.

    The one inline script runs by its per-response nonce (no 'unsafe-inline' for script);
    styles keep 'unsafe-inline' because GraphiQL's editor injects style elements at run
    time. Fonts are data: URLs inside graphiql.min.css. An absolute endpoint is allowed.
    """
    connect = "'self'"
    parts = urlsplit(endpoint)
    if parts.scheme and parts.netloc:
        connect += f" {parts.scheme}://{parts.netloc}"
    return (
        f"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' "
        "'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; "
        f"connect-src {connect}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def graphiql_page(
    *,
    endpoint: str = "/graphql",
    static_prefix: str = "/static/graphiql",
    default_query: str = "",
) -> GraphiQLPage:
    """Return the GraphiQL page with a fresh nonce; an empty default_query keeps
    GraphiQL's welcome text.

    GraphiQL keeps the user's tabs in localStorage, so default_query fills the editor
    only on a first visit (or after the browser's storage for the site is cleared).
    """
    nonce = secrets.token_urlsafe(16)
    config = {"endpoint": endpoint, "defaultQuery": default_query}
    page = _PAGE.format(
        nonce=nonce,
        prefix=html.escape(static_prefix.rstrip("/")),
        config=_script_json(config),
    )
    return GraphiQLPage(html=page, csp=graphiql_csp(endpoint=endpoint, nonce=nonce))


def static_route(prefix: str = "/static/graphiql") -> Mount:
    """A route serving the vendored GraphiQL, React and ReactDOM files under prefix."""
    return Mount(prefix.rstrip("/"), app=StaticFiles(directory=GRAPHIQL_STATIC_DIR))
