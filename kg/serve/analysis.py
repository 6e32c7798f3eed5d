"""Benchmarks, leaderboards and trends in the app, answered by kg.analysis.

kg.analysis reads a NetworkX graph: the file backend's own, or, over Neo4j, the part of the
database it reads (every node without abstracts, and the relationships of results, variants,
code and tasks), fetched on the first such request. Each answer is computed once and kept (the
graph never changes while it is served).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.errors import InputError
from kg.serve.backend import Backend
from kg.serve.views import ApiError

__all__ = ["Analysis", "analysis_for"]

TREND_TYPES = ("Method", "Dataset", "Task", "Metric")
ROWS_PER_BOARD = 100  # a leaderboard's best rows; the whole table is `kg leaderboard`'s


class Analysis:
    def __init__(self, graph: Any = None, *, load: Callable[[], Any] | None = None) -> None:
        self._graph, self._load = graph, load
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()  # apart from _lock, which is held while computing
        self._cache: dict[tuple[str, ...], Any] = {}

    @property
    def graph(self) -> Any:
        with self._load_lock:
            if self._graph is None and self._load is not None:
                self._graph = self._load()
            return self._graph

    def _once(self, key: tuple[str, ...], compute: Callable[[], Any]) -> Any:
        with self._lock:  # one computation per answer, even under concurrent requests
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    def benchmarks(self) -> list[dict[str, Any]]:
        from kg.analysis.leaderboard import benchmarks

        return self._once(("benchmarks",), lambda: [asdict(b) for b in benchmarks(self.graph)])

    def leaderboards(self, dataset: str, metric: str | None) -> list[dict[str, Any]]:
        from kg.analysis.leaderboard import leaderboards

        def compute() -> list[dict[str, Any]]:
            boards = []
            for b in leaderboards(self.graph, dataset, metric):
                board = b.as_dict()
                board["total"] = len(board["rows"])
                board["rows"] = board["rows"][:ROWS_PER_BOARD]
                boards.append(board)
            return boards

        try:
            return self._once(("leaderboard", dataset, metric or ""), compute)
        except InputError as err:
            raise ApiError(404, err.message) from None

    def trends(self, entity_type: str, by: str) -> dict[str, Any]:
        """Every ranked entity of the type (pages are sliced from it)."""
        from kg.analysis.trends import compute_trends

        return self._once(
            ("trends", entity_type, by),
            lambda: asdict(compute_trends(self.graph, entity_type, by=by, top=10**9)),
        )

    def routes(self, as_json: Callable[[Any], Response], paging: Callable[[Request], tuple[int, int]]) -> list[Route]:
        def api_benchmarks(request: Request) -> Response:
            offset, limit = paging(request)
            items = self.benchmarks()
            return as_json(
                {"total": len(items), "offset": offset, "limit": limit, "items": items[offset : offset + limit]}
            )

        def api_leaderboard(request: Request) -> Response:
            offset, limit = paging(request)
            dataset = request.query_params.get("dataset", "")
            if not dataset:
                raise ApiError(400, "the dataset parameter is required")
            boards = self.leaderboards(dataset[:200], request.query_params.get("metric") or None)
            return as_json(
                {
                    "dataset": dataset,
                    "total": len(boards),
                    "offset": offset,
                    "limit": limit,
                    "items": boards[offset : offset + limit],
                }
            )

        def api_trends(request: Request) -> Response:
            offset, limit = paging(request)
            entity_type = request.query_params.get("type", "Method")
            by = request.query_params.get("by", "month")
            if entity_type not in TREND_TYPES or by not in ("month", "week"):
                raise ApiError(400, f"type must be one of {', '.join(TREND_TYPES)} and by month or week")
            report = dict(self.trends(entity_type, by))
            rising = report.pop("rising")
            return as_json(
                {
                    **report,
                    "total": len(rising),
                    "offset": offset,
                    "limit": limit,
                    "items": rising[offset : offset + limit],
                }
            )

        return [
            Route("/api/benchmarks", api_benchmarks),
            Route("/api/leaderboard", api_leaderboard),
            Route("/api/trends", api_trends),
        ]


def analysis_for(backend: Backend) -> Analysis | None:
    """Leaderboards and trends over the backend's NetworkX graph (the file backend), or over the
    graph a Neo4j backend reads for them."""
    try:
        import kg.analysis.leaderboard  # noqa: F401
        import kg.analysis.trends  # noqa: F401
    except ImportError:
        return None
    graph = getattr(backend, "graph", None)
    if graph is not None:
        return Analysis(graph)
    load = getattr(backend, "analysis_graph", None)
    return Analysis(load=load) if load is not None else None
