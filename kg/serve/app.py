"""The ``kg serve`` web app: Starlette routes over a backend, pages built in the browser from the
JSON API (``/api``), vendored scripts and styles served from a fixed list, never from a path.

Safety, each in one place here: only GET and HEAD exist (read-only); every response carries a
strict Content-Security-Policy (``script-src 'self'``: no inline script runs, so a string that
reaches the page as markup still runs nothing; the pages use textContent anyway); static files
are looked up by exact name in :data:`STATIC`, so no request can name another file; query sizes
are bounded in :mod:`kg.serve.views`.
"""

from __future__ import annotations

import json
import time
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.errors import KgError
from kg.schema import NODE_TYPES, RELATION_TYPES
from kg.serve import views
from kg.serve.backend import Backend
from kg.serve.openapi import openapi
from kg.serve.search import SearchIndex

__all__ = ["CSP", "STATIC", "create_app"]

# The vendored vis-network (10.1.5, standalone) injects its stylesheet as <style> elements; these
# are their SHA-256s (Chromium names them), so they apply and no other inline style does. A
# vis-network update changes them: the browser test fails on the CSP errors it would log.
VIS_STYLE_HASHES = (
    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    "4cgFR0//m8/eHo2G/esYsuZetUHlzCUWYM59sfgE9zY=",
    "IY7YKNHjbzQ1NfAKrBZvBZohgXMtxrqB9PaqhAaT3vg=",
    "OutIf5hnp68ctx4ThtV5J02g5HTJ5bbu/hkNfqVXWWo=",
    "QE7TOEDW7YIlMzvUUnm8boDWeNBN7PBbaaYJjnp34WI=",
    "QuPewnJYr+SnQiTnCNHFBw99ExTsz9f8w5320PimEPw=",
    "gGUn/VMBXCeWm86qX/pOf+4ZDSbe0JcaXXb4rJjw1mA=",
    "uepMTym1NwItBa/XV6ef6fQobLL0A0CNVDM5km5L+nQ=",
)
_STYLES = " ".join(f"'sha256-{h}'" for h in VIS_STYLE_HASHES)
CSP = (
    f"default-src 'none'; script-src 'self'; style-src 'self' {_STYLES}; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
# name -> (package, file, media type). The static page's CSS and vis-network are reused, read-only.
STATIC = {
    "page.css": ("kg.render.templates", "page.css", "text/css; charset=utf-8"),
    "vis-network.min.js": ("kg.render.templates", "vis-network.min.js", "text/javascript; charset=utf-8"),
    "serve.css": ("kg.serve.templates", "serve.css", "text/css; charset=utf-8"),
    "serve.js": ("kg.serve.templates", "serve.js", "text/javascript; charset=utf-8"),
}
DEFAULT_LIMIT = 20
DEFAULT_NEIGHBOURS = 150


class SecurityHeaders:
    """Adds the CSP and friends to every response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str)
    return Response(body, status, media_type="application/json", headers={"cache-control": "no-store"})


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise views.ApiError(400, f"{name} must be an integer, got {raw[:40]!r}") from None
    if not low <= value <= high:
        raise views.ApiError(400, f"{name} must be between {low} and {high}, got {value}")
    return value


def _names(request: Request, name: str, known: dict[str, Any]) -> set[str] | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    wanted = {t.strip() for t in raw.split(",") if t.strip()}
    unknown = sorted(wanted - known.keys())
    if unknown:
        raise views.ApiError(400, f"unknown {name}: {', '.join(u[:40] for u in unknown[:5])}")
    return wanted or None


def _required(request: Request, name: str) -> str:
    value = request.query_params.get(name, "")
    if not value:
        raise views.ApiError(400, f"the {name} parameter is required")
    return value


def _paging(request: Request, default: int = DEFAULT_LIMIT) -> tuple[int, int]:
    return _int(request, "offset", 0, 0, views.MAX_OFFSET), _int(request, "limit", default, 1, views.MAX_LIMIT)


def create_app(backend: Backend, *, title: str = "paper-kg", analysis: Any = None) -> Starlette:
    """The app over ``backend``; the search index and the legend are built here, once.

    ``analysis``, when given, answers the leaderboard and trends routes (see kg.serve.analysis).
    """
    started = time.perf_counter()
    index = SearchIndex(backend.search_entries())
    legend = views.legend(backend)
    legend.update(title=title, analysis=analysis is not None)
    shell = resources.files("kg.serve.templates").joinpath("app.html").read_bytes()
    # read once: under 1 MB in all, and a request never touches the file system
    files = {name: resources.files(package).joinpath(file).read_bytes() for name, (package, file, _) in STATIC.items()}

    def page(request: Request) -> Response:
        node_id = request.path_params.get("node_id")
        status = 200 if node_id is None or backend.nodes([node_id]) else 404
        return Response(shell, status, media_type="text/html; charset=utf-8")

    def static(request: Request) -> Response:
        entry = STATIC.get(request.path_params["name"])
        if entry is None:
            raise HTTPException(404)
        return Response(
            files[request.path_params["name"]],
            media_type=entry[2],
            headers={"cache-control": "max-age=3600"},
        )

    def api_search(request: Request) -> Response:
        offset, limit = _paging(request)
        q = request.query_params.get("q", "")[:200]
        return _json(views.search(index, q, _names(request, "types", NODE_TYPES), offset, limit))

    def api_node(request: Request) -> Response:
        return _json(views.node(backend, _required(request, "id")))

    def api_neighbours(request: Request) -> Response:
        offset, limit = _paging(request, DEFAULT_NEIGHBOURS)
        depth = _int(request, "depth", 1, 1, views.MAX_DEPTH)
        types, rels = _names(request, "types", NODE_TYPES), _names(request, "relations", RELATION_TYPES)
        return _json(views.neighbours(backend, _required(request, "id"), depth, types, rels, offset, limit))

    def api_papers(request: Request) -> Response:
        return _json(views.papers(backend, _required(request, "id"), *_paging(request)))

    def api_results(request: Request) -> Response:
        return _json(views.results(backend, _required(request, "id"), *_paging(request)))

    def api_evidence(request: Request) -> Response:
        a, b = _required(request, "from"), _required(request, "to")
        return _json(views.evidence(backend, a, b, *_paging(request)))

    def api_paper(request: Request) -> Response:
        return _json(views.paper(backend, _required(request, "id"), *_paging(request, 100)))

    def api_meta(request: Request) -> Response:
        return _json(legend)

    def api_openapi(request: Request) -> Response:
        return _json(openapi(analysis=analysis is not None))

    routes = [
        Route("/", page),
        Route("/entity/{node_id:path}", page),
        Route("/paper/{node_id:path}", page),
        Route("/static/{name}", static),
        Route("/api/search", api_search),
        Route("/api/node", api_node),
        Route("/api/neighbours", api_neighbours),
        Route("/api/papers", api_papers),
        Route("/api/results", api_results),
        Route("/api/evidence", api_evidence),
        Route("/api/paper", api_paper),
        Route("/api/meta", api_meta),
        Route("/api/openapi.json", api_openapi),
    ]
    if analysis is not None:
        routes += [Route("/benchmarks", page), Route("/trends", page), *analysis.routes(_json, _paging)]

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, views.ApiError)
        return _json({"error": exc.message}, exc.status)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _json({"error": exc.detail}, exc.status_code)

    async def store_error(request: Request, exc: Exception) -> Response:
        return _json({"error": str(exc)}, 503)

    app = Starlette(
        routes=routes,
        exception_handlers={views.ApiError: api_error, HTTPException: http_error, KgError: store_error},
    )
    app.add_middleware(SecurityHeaders)
    app.state.backend, app.state.index = backend, index
    app.state.startup_seconds = time.perf_counter() - started
    return app
