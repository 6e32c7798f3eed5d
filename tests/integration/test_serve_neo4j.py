"""kg serve over the real Neo4j gives the same API answers as over the graph file it was loaded from."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import networkx as nx
import pytest

from kg.serve.app import create_app
from kg.serve.file_backend import FileBackend
from kg.serve.neo4j_backend import Neo4jBackend
from kg.serve.server import ThreadedServer
from kg.store.neo4j import count_graph, load_graph

pytestmark = pytest.mark.neo4j


def _servers(graph: nx.MultiDiGraph, driver, settings) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    load_graph(driver, graph, settings)
    file_app = create_app(FileBackend(graph))
    neo4j_app = create_app(Neo4jBackend(settings, driver))
    with ThreadedServer(file_app) as a, ThreadedServer(neo4j_app) as b:
        with httpx.Client(base_url=a, timeout=30) as fa, httpx.Client(base_url=b, timeout=30) as nb:
            yield fa, nb


def _same(file: httpx.Client, neo4j: httpx.Client, path: str, **params) -> dict:
    a, b = file.get(path, params=params), neo4j.get(path, params=params)
    assert (a.status_code, a.json()) == (b.status_code, b.json()), (path, params)
    return a.json()


def _urls(graph: nx.MultiDiGraph) -> list[tuple[str, dict]]:
    """Questions for every kind of node: the most connected of each type, a paper with results."""
    by_type: dict[str, list[str]] = {}
    for n in sorted(graph.nodes, key=lambda n: (-graph.degree(n), n)):
        by_type.setdefault(graph.nodes[n]["type"], []).append(n)
    picks = [ids[0] for ids in by_type.values()] + [ids[-1] for ids in by_type.values()]
    reporting = sorted(u for u, _, k in graph.edges(keys=True) if k == "REPORTS")
    hub = picks[0]
    urls: list[tuple[str, dict]] = []
    for n in dict.fromkeys(picks + reporting[:2]):
        urls += [
            ("/api/node", {"id": n}),
            ("/api/neighbours", {"id": n, "limit": 40}),
            ("/api/papers", {"id": n, "limit": 5, "offset": 1}),
            ("/api/results", {"id": n}),
        ]
        if n.startswith("Paper:"):
            urls.append(("/api/paper", {"id": n}))
    for n in list(graph.successors(hub))[:3] + list(graph.predecessors(hub))[:3]:
        urls.append(("/api/evidence", {"from": hub, "to": n}))
    urls += [
        ("/api/neighbours", {"id": hub, "depth": 2, "limit": 100, "offset": 20}),
        ("/api/neighbours", {"id": hub, "depth": 2, "types": "Method,Task", "relations": "USES,USED_FOR"}),
        ("/api/node", {"id": "Method:no such node"}),
        ("/api/paper", {"id": hub if not hub.startswith("Paper:") else "Method:x"}),
        ("/api/meta", {}),
    ]
    for q in ("clip", "transformer", "imagenet", "llm", "imagnet", "vision", "a"):
        urls += [("/api/search", {"q": q}), ("/api/search", {"q": q, "types": "Dataset,Method", "offset": 3})]
    return urls


def test_neo4j_mode_answers_like_file_mode_on_the_samples(neo4j_db, neo4j_settings, sample_graph):
    for file, neo4j in _servers(sample_graph, neo4j_db, neo4j_settings):
        meta = file.get("/api/meta").json()
        assert meta["backend"] == "file" and neo4j.get("/api/meta").json()["backend"] == "neo4j"
        for path, params in _urls(sample_graph):
            if path != "/api/meta":
                _same(file, neo4j, path, **params)
        assert file.get("/api/meta").json()["nodeTypes"] == neo4j.get("/api/meta").json()["nodeTypes"]


def test_hostile_names_are_parameters(neo4j_db, neo4j_settings, graph):
    """The Cypher-looking names of the conftest graph are looked up, found and shown, and delete nothing."""
    before = count_graph(neo4j_db, neo4j_settings)
    for file, neo4j in _servers(graph, neo4j_db, neo4j_settings):
        loaded = count_graph(neo4j_db, neo4j_settings)
        evil = "Method:x}) DETACH DELETE n //"
        assert _same(file, neo4j, "/api/node", id=evil)["name"] == "x}) DETACH DELETE n //"
        assert _same(file, neo4j, "/api/search", q="') MATCH (m) DETACH DELETE m //")["total"] >= 1
        for n in graph.nodes:
            for path in ("/api/node", "/api/neighbours", "/api/papers", "/api/results"):
                _same(file, neo4j, path, id=n)
            if n.startswith("Paper:"):
                _same(file, neo4j, "/api/paper", id=n)
        _same(file, neo4j, "/api/node", id="Method:' OR 1=1 //")
        assert count_graph(neo4j_db, neo4j_settings) == loaded != before


def test_neo4j_mode_has_the_file_modes_benchmarks_leaderboards_and_trends(neo4j_db, neo4j_settings, sample_graph):
    from kg.serve.analysis import analysis_for

    load_graph(neo4j_db, sample_graph, neo4j_settings)
    file_backend, neo4j_backend = FileBackend(sample_graph), Neo4jBackend(neo4j_settings, neo4j_db)
    file_app = create_app(file_backend, analysis=analysis_for(file_backend))
    neo4j_app = create_app(neo4j_backend, analysis=analysis_for(neo4j_backend))
    with ThreadedServer(file_app) as a, ThreadedServer(neo4j_app) as b:
        with httpx.Client(base_url=a, timeout=60) as file, httpx.Client(base_url=b, timeout=60) as neo4j:
            listed = _same(file, neo4j, "/api/benchmarks", limit=100)
            assert listed["total"] >= 5
            for bench in listed["items"]:
                _same(file, neo4j, "/api/leaderboard", dataset=bench["dataset"])
                _same(file, neo4j, "/api/leaderboard", dataset=bench["dataset"], metric=bench["metric"])
            _same(file, neo4j, "/api/leaderboard", dataset="no such dataset")
            for entity_type in ("Method", "Dataset", "Task", "Metric"):
                _same(file, neo4j, "/api/trends", type=entity_type)
            assert neo4j.get("/benchmarks").status_code == 200
