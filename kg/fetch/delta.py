"""What an update changed in a graph, and that change applied to Neo4j.

``kg update --neo4j`` loads only the nodes and relationships that are new or whose properties
changed (MERGE, as ``kg load`` does), and deletes those the update removed (a changed paper's old
edges, the entities only its old text named), so the database equals a full ``kg load`` of the
new graph without sending the graph again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:
    import neo4j

    from kg.store.settings import Settings

__all__ = ["Delta", "apply_to_neo4j", "graph_delta"]


@dataclass
class Delta:
    changed: nx.MultiDiGraph  # new or changed nodes and edges (with the endpoints of each edge)
    removed_nodes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    removed_edges: list[tuple[str, str, str]] = field(default_factory=list)  # (head id, tail id, type)

    @property
    def empty(self) -> bool:
        return self.changed.number_of_nodes() == 0 and not self.removed_nodes and not self.removed_edges


def graph_delta(old: nx.MultiDiGraph, new: nx.MultiDiGraph) -> Delta:
    """The nodes and edges of ``new`` that ``old`` lacks or holds with other properties, and
    those of ``old`` that ``new`` lacks."""
    changed = nx.MultiDiGraph()
    for n, attrs in new.nodes(data=True):
        if n not in old or old.nodes[n] != attrs:
            changed.add_node(n, **_dropped(old.nodes[n] if n in old else {}, attrs))
    for u, v, k, attrs in new.edges(keys=True, data=True):
        if not old.has_edge(u, v, k) or old.edges[u, v, k] != attrs:
            for end in (u, v):
                if end not in changed:
                    changed.add_node(end, **new.nodes[end])
            changed.add_edge(u, v, key=k, **_dropped(old.edges[u, v, k] if old.has_edge(u, v, k) else {}, attrs))
    removed_nodes = [(n, dict(attrs)) for n, attrs in old.nodes(data=True) if n not in new]
    removed_edges = [
        (u, v, str(attrs.get("type", k)))
        for u, v, k, attrs in old.edges(keys=True, data=True)
        if not new.has_edge(u, v, k) and u in new and v in new  # edges of removed nodes go with them
    ]
    return Delta(changed, removed_nodes, removed_edges)


def _dropped(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``after`` with None for each property only ``before`` had: ``SET n += {p: null}`` removes p."""
    return {**{k: None for k in before if k not in after}, **after}


def apply_to_neo4j(driver: neo4j.Driver, settings: Settings, delta: Delta, old: nx.MultiDiGraph) -> int:
    """Delete what the update removed, then MERGE what it added or changed; returns the rows sent."""
    from kg.store import neo4j as store

    rows = 0
    for u, v, rel in delta.removed_edges:
        query, params = store.relationship_delete((u, old.nodes[u]), (v, old.nodes[v]), rel)
        store.run_query(driver, settings, query, params, write=True)
        rows += 1
    for n, attrs in delta.removed_nodes:
        store.run_query(driver, settings, *store.node_delete(n, attrs), write=True)
        rows += 1
    if delta.changed.number_of_nodes():
        rows += store.load_graph(driver, delta.changed, settings).rows
    return rows
