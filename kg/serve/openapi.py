"""The API's description, written by hand from the routes of :mod:`kg.serve.app` and served at
``/api/openapi.json`` (OpenAPI 3.1); a test checks every ``/api`` route is described here."""

from __future__ import annotations

from typing import Any

__all__ = ["ENDPOINTS", "openapi"]

_PAGE = [
    ("offset", "integer", False, "Items to skip (0 to 1,000,000; default 0)."),
    ("limit", "integer", False, "Items to return (1 to 500; default 20)."),
]
_ID = ("id", "string", True, "A node id, Type:key (e.g. Method:clip).")

# path -> (summary, parameters (name, type, required, description), what it answers)
ENDPOINTS: dict[str, tuple[str, list[tuple[str, str, bool, str]], str]] = {
    "/api/search": (
        "Search node names and aliases (search as you type), ranked.",
        [
            ("q", "string", True, "What was typed (up to 200 characters)."),
            ("types", "string", False, "Comma-separated node types to keep."),
            *_PAGE,
        ],
        "A page of hits: id, type, name, matched (the name or alias), match (name, prefix, word, substring, "
        "fuzzy), papers.",
    ),
    "/api/node": ("One node: its fields, aliases, degree and relation counts.", [_ID], "The node, or 404."),
    "/api/neighbours": (
        "The neighbourhood of a node: nearest first, then most connected.",
        [
            _ID,
            ("depth", "integer", False, "Hops, 1 to 3 (default 1)."),
            ("types", "string", False, "Comma-separated node types to keep."),
            ("relations", "string", False, "Comma-separated relation types to follow."),
            ("offset", "integer", False, "Nodes to skip (default 0)."),
            ("limit", "integer", False, "Nodes to return, 1 to 500 (default 150)."),
        ],
        "centre, total, capped (the walk stopped at 20,000 nodes), nodes (a page, each with distance and degree) "
        "and the edges among the centre and those nodes.",
    ),
    "/api/papers": ("The papers behind a node, newest first.", [_ID, *_PAGE], "A page of papers."),
    "/api/results": (
        "The results a node takes part in, by metric then value (a leaderboard per metric).",
        [_ID, *_PAGE],
        "A page of results with their metric, dataset, method and paper.",
    ),
    "/api/evidence": (
        "The evidence sentences of every relationship between two nodes.",
        [("from", "string", True, "A node id."), ("to", "string", True, "A node id."), *_PAGE],
        "A page of sentences, each with its relation, paper, argument spans, extractor and confidence.",
    ),
    "/api/paper": (
        "A paper: title, abstract, authors, links, the extracted entities and where they sit in its text.",
        [
            _ID,
            ("offset", "integer", False, "Entities to skip."),
            ("limit", "integer", False, "Entities to return, 1 to 500 (default 100)."),
        ],
        "The paper with highlights (field, start, end, id, type) and a page of entities with their evidence.",
    ),
    "/api/meta": ("Node and relation types with colours and counts; which backend answers.", [], "The legend."),
    "/api/openapi.json": ("This description.", [], "OpenAPI 3.1."),
}
ANALYSIS_ENDPOINTS: dict[str, tuple[str, list[tuple[str, str, bool, str]], str]] = {
    "/api/benchmarks": (
        "The benchmarks of the graph: dataset and metric pairs with results.",
        _PAGE,
        "A page of benchmarks.",
    ),
    "/api/leaderboard": (
        "The leaderboards of a dataset family (kg leaderboard): one table per metric, ranked by its direction.",
        [("dataset", "string", True, "A dataset name or id."), ("metric", "string", False, "A metric name."), *_PAGE],
        "A page of tables (each with its best 100 rows and total), or 404 naming the closest datasets.",
    ),
    "/api/trends": (
        "The entities rising over time (kg trends): papers per period, rise, most rising first.",
        [
            ("type", "string", False, "Method (default), Dataset, Task or Metric."),
            ("by", "string", False, "month (default) or week."),
            *_PAGE,
        ],
        "periods, papers_per_period, split and a page of entities with their counts per period and rise.",
    ),
}


def openapi(*, analysis: bool = False) -> dict[str, Any]:
    endpoints = {**ENDPOINTS, **(ANALYSIS_ENDPOINTS if analysis else {})}
    paths = {}
    for path, (summary, params, answers) in endpoints.items():
        paths[path] = {
            "get": {
                "summary": summary,
                "parameters": [
                    {"name": n, "in": "query", "required": req, "description": d, "schema": {"type": t}}
                    for n, t, req, d in params
                ],
                "responses": {
                    "200": {"description": answers, "content": {"application/json": {}}},
                    "400": {"description": 'A parameter out of bounds or unknown: {"error": …}.'},
                    "404": {"description": 'No such node: {"error": …}.'},
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "paper-kg serve API",
            "version": "1",
            "description": "Read-only JSON over a paper-kg graph. Every list is a page: total, offset, limit, items.",
        },
        "paths": paths,
    }
