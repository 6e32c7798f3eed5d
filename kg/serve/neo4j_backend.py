"""The Neo4j backend: the same primitives as the graph file, answered by read-only queries.

Every query runs with READ routing (:func:`kg.store.neo4j.run_query`), every value travels as a
parameter, and the only text spliced into Cypher is a label checked against kg.schema: an id is
split into its type (a label of the schema, else the node does not exist) and its key, which the
key constraints index. Relationships are found from element ids, which Neo4j seeks directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from typing import Any

import neo4j
import networkx as nx

from kg.schema import NODE_TYPES, RELATION_TYPES, split_node_id
from kg.serve.backend import Attrs, Edge, clean, search_entry
from kg.serve.search import Entry
from kg.store.neo4j import Settings, connect, run_query

__all__ = ["Neo4jBackend"]

# The relationships kg.analysis follows: a result's paper, metric, dataset and method, dataset
# variants, a paper's code and tasks (trends read the entities' own paper lists and paper dates).
ANALYSIS_RELATIONS = ("REPORTS", "OF_METRIC", "ON_DATASET", "BY_METHOD", "VARIANT_OF", "HAS_CODE", "ADDRESSES")
_EDGE_COLUMNS = "a.id AS head, b.id AS tail, type(r) AS type, r.support AS support, r.confidence AS confidence"


class Neo4jBackend:
    kind = "neo4j"

    def __init__(self, settings: Settings, driver: neo4j.Driver | None = None) -> None:
        self.settings = settings
        self.driver = driver or connect(settings)
        self._own_driver = driver is None

    def _rows(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        return run_query(self.driver, self.settings, cypher, params)[1]

    def search_entries(self) -> Iterator[Entry]:
        rows = self._rows(
            "MATCH (n) WHERE n.id IS NOT NULL AND NOT n:Result "
            "RETURN n.id AS id, n.type AS type, n.name AS name, n.title AS title, n.aliases AS aliases, "
            "n.arxiv_id AS arxiv_id, size(coalesce(n.papers, [])) AS papers"
        )
        for row in rows:
            attrs = {**row, "papers": range(row["papers"])}  # only its length is read
            entry = search_entry(str(row["id"]), attrs)
            if entry is not None:
                yield entry

    def _by_label(self, ids: Collection[str]) -> dict[str, list[str]]:
        keys: dict[str, list[str]] = defaultdict(list)
        for nid in ids:
            try:
                label, key = split_node_id(str(nid))
            except ValueError:
                continue
            keys[label].append(key)
        return keys

    def _match(self, ids: Collection[str], returns: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for label, keys in self._by_label(ids).items():
            assert label in NODE_TYPES  # split_node_id checked it: safe to splice
            rows += self._rows(f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN {returns}", keys=keys)
        return rows

    def _eids(self, ids: Collection[str]) -> list[str]:
        return [r["eid"] for r in self._match(ids, "elementId(n) AS eid")]

    def nodes(self, ids: Collection[str]) -> dict[str, Attrs]:
        out = {}
        for row in self._match(ids, "n.id AS id, properties(n) AS props"):
            out[str(row["id"])] = clean(row["props"])
        return out

    def degrees(self, ids: Collection[str]) -> dict[str, int]:
        rows = self._match(ids, "n.id AS id, COUNT { (n)-->() } + COUNT { (n)<--() } AS degree")
        return {str(r["id"]): int(r["degree"]) for r in rows}

    def neighbours(self, ids: Collection[str], relations: Collection[str] | None = None) -> set[str]:
        rels = sorted(r for r in relations if r in RELATION_TYPES) if relations is not None else None
        rows = self._rows(
            "MATCH (a) WHERE elementId(a) IN $eids MATCH (a)-[r]-(b) "
            "WHERE $rels IS NULL OR type(r) IN $rels RETURN DISTINCT b.id AS id",
            eids=self._eids(ids),
            rels=rels,
        )
        return {str(r["id"]) for r in rows}

    def edges_among(self, ids: Collection[str]) -> list[Edge]:
        rows = self._rows(
            f"MATCH (a)-[r]->(b) WHERE elementId(a) IN $eids AND elementId(b) IN $eids RETURN {_EDGE_COLUMNS}",
            eids=self._eids(ids),
        )
        return [_edge(r) for r in rows]

    def incident(
        self, ids: Collection[str], types: Collection[str] | None = None, *, evidence: bool = False
    ) -> list[Edge]:
        extra = ", r.papers AS papers, r.evidence AS evidence" if evidence else ""
        rows = self._rows(
            "MATCH (n) WHERE elementId(n) IN $eids MATCH (n)-[r]-() WHERE $types IS NULL OR type(r) IN $types "
            f"WITH DISTINCT r MATCH (a)-[r]->(b) RETURN {_EDGE_COLUMNS}{extra}",
            eids=self._eids(ids),
            types=sorted(types) if types is not None else None,
        )
        return [_edge(r) for r in rows]

    def between(self, a: str, b: str) -> list[Edge]:
        eid = {str(r["id"]): r["eid"] for r in self._match([a, b], "n.id AS id, elementId(n) AS eid")}
        if a not in eid or b not in eid:
            return []
        rows = self._rows(
            "MATCH (x) WHERE elementId(x) = $x MATCH (y) WHERE elementId(y) = $y MATCH (x)-[r]-(y) "
            "WITH DISTINCT r RETURN startNode(r).id AS head, endNode(r).id AS tail, type(r) AS type, "
            "r.support AS support, r.confidence AS confidence, r.papers AS papers, r.evidence AS evidence",
            x=eid[a],
            y=eid[b],
        )
        return [_edge(r) for r in rows]

    def counts(self) -> dict[str, dict[str, int]]:
        nodes = self._rows("MATCH (n) RETURN n.type AS type, count(*) AS n")
        edges = self._rows("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")
        return {
            "nodes": dict(sorted((str(r["type"]), int(r["n"])) for r in nodes)),
            "edges": dict(sorted((str(r["type"]), int(r["n"])) for r in edges)),
        }

    def analysis_graph(self) -> nx.MultiDiGraph:
        """What kg.analysis reads for leaderboards and trends, read from the database once: every
        node without its abstract, and the relationships results, variants, code and tasks use."""
        g = nx.MultiDiGraph()
        for row in self._rows("MATCH (n) WHERE n.id IS NOT NULL RETURN n.id AS id, properties(n) AS props"):
            g.add_node(str(row["id"]), **{k: v for k, v in clean(row["props"]).items() if k != "abstract"})
        rows = self._rows(
            "MATCH (a)-[r]->(b) WHERE type(r) IN $types "
            "RETURN a.id AS head, b.id AS tail, type(r) AS type, properties(r) AS props",
            types=list(ANALYSIS_RELATIONS),
        )
        for row in rows:
            g.add_edge(str(row["head"]), str(row["tail"]), key=str(row["type"]), **clean(row["props"]))
        return g

    def close(self) -> None:
        if self._own_driver:
            self.driver.close()


def _edge(row: dict[str, Any]) -> Edge:
    attrs = clean({k: row.get(k) for k in ("support", "confidence", "papers", "evidence")})
    return Edge(str(row["head"]), str(row["tail"]), str(row["type"]), attrs)
