"""The graph-file backend: a graph read once into memory (a NetworkX MultiDiGraph) and never changed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from pathlib import Path

import networkx as nx

from kg.serve.backend import Attrs, Edge, clean, search_entry
from kg.serve.search import Entry

__all__ = ["FileBackend"]


class FileBackend:
    kind = "file"

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph

    @classmethod
    def from_path(cls, path: str | Path) -> FileBackend:
        from kg.graph.formats import read_source

        return cls(read_source(path))

    def search_entries(self) -> Iterator[Entry]:
        for n, a in self.graph.nodes(data=True):
            entry = search_entry(n, a)
            if entry is not None:
                yield entry

    def nodes(self, ids: Collection[str]) -> dict[str, Attrs]:
        g = self.graph
        return {n: clean(g.nodes[n]) for n in ids if n in g}

    def degrees(self, ids: Collection[str]) -> dict[str, int]:
        g = self.graph
        return {n: g.in_degree(n) + g.out_degree(n) for n in ids if n in g}

    def neighbours(self, ids: Collection[str], relations: Collection[str] | None = None) -> set[str]:
        g = self.graph
        found: set[str] = set()
        for n in ids:
            if n not in g:
                continue
            if relations is None:
                found.update(g._succ[n])
                found.update(g._pred[n])
                continue
            for nb, keyed in (*g._succ[n].items(), *g._pred[n].items()):
                if any(_type(k, a) in relations for k, a in keyed.items()):
                    found.add(nb)
        return found

    def edges_among(self, ids: Collection[str]) -> list[Edge]:
        g, inside = self.graph, set(ids)
        out: list[Edge] = []
        for u in inside:
            if u not in g:
                continue
            for v, keyed in g._succ[u].items():
                if v in inside:
                    out.extend(Edge(u, v, _type(k, a), _light(a)) for k, a in keyed.items())
        return out

    def incident(
        self, ids: Collection[str], types: Collection[str] | None = None, *, evidence: bool = False
    ) -> list[Edge]:
        g = self.graph
        seen: set[tuple[str, str, str]] = set()
        out = []
        for n in ids:
            if n not in g:
                continue
            for u, v, k, a in (*g.out_edges(n, keys=True, data=True), *g.in_edges(n, keys=True, data=True)):
                t = _type(k, a)
                if (types is None or t in types) and (u, v, t) not in seen:
                    seen.add((u, v, t))
                    out.append(Edge(u, v, t, _full(a) if evidence else _light(a)))
        return out

    def between(self, a: str, b: str) -> list[Edge]:
        g = self.graph
        out: list[Edge] = []
        for u, v in ((a, b), (b, a)) if a != b else ((a, b),):
            if g.has_edge(u, v):
                out.extend(Edge(u, v, _type(k, d), _full(d)) for k, d in g[u][v].items())
        return out

    def counts(self) -> dict[str, dict[str, int]]:
        g = self.graph
        nodes = Counter(str(a.get("type")) for _, a in g.nodes(data=True))
        edges = Counter(_type(k, a) for _, _, k, a in g.edges(keys=True, data=True))
        return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}

    def close(self) -> None:
        pass


def _type(key: object, attrs: dict) -> str:
    return str(attrs.get("type") or key)


def _light(attrs: dict) -> Attrs:
    """An edge's attributes without its evidence (the bulk of a graph's bytes)."""
    return clean({k: v for k, v in attrs.items() if k not in ("evidence", "type")})


def _full(attrs: dict) -> Attrs:
    return clean({k: v for k, v in attrs.items() if k != "type"})
