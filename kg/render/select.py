"""Choose which part of a graph to draw: focus, type filter, minimum papers, node budget.

Pure NetworkX in, NetworkX out, so the choice is testable without any HTML.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from kg.graph.lookup import NodeNotFound, closest_hint, find_nodes
from kg.schema import NODE_TYPES


@dataclass
class Selection:
    """The subgraph to draw and what was left out to get it."""

    graph: nx.MultiDiGraph
    total_nodes: int
    total_edges: int
    focus_nodes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def dropped_nodes(self) -> int:
        return self.total_nodes - self.graph.number_of_nodes()

    @property
    def dropped_edges(self) -> int:
        return self.total_edges - self.graph.number_of_edges()


def paper_count(attrs: dict) -> int | None:
    """How many papers back a node; None for Paper nodes, which are sized and filtered apart."""
    if attrs.get("type") == "Paper":
        return None
    if attrs.get("type") == "Result":
        return 1
    return len(attrs.get("papers") or ())


def _focus_nodes(graph: nx.MultiDiGraph, name: str) -> list[str]:
    if not name.strip():
        raise ValueError("focus name is empty")
    try:
        return find_nodes(graph, name)
    except NodeNotFound as err:
        raise ValueError(
            f"focus {name!r} matches no node name, alias or id in the graph{closest_hint(err.close)}"
        ) from None


def ego_nodes(graph: nx.MultiDiGraph, centres: Iterable[str], depth: int) -> set[str]:
    """Nodes within ``depth`` hops of any centre, ignoring edge direction."""
    seen = set(centres)
    frontier = deque((c, 0) for c in seen)
    while frontier:
        node, hops = frontier.popleft()
        if hops >= depth:
            continue
        for nb in (*graph.successors(node), *graph.predecessors(node)):
            if nb not in seen:
                seen.add(nb)
                frontier.append((nb, hops + 1))
    return seen


def select_subgraph(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 2,
    types: Iterable[str] | None = None,
    min_papers: int = 0,
    max_nodes: int | None = None,
) -> Selection:
    """Apply, in order: focus (ego graph of depth N), node types, min papers, node budget.

    Focus nodes survive every later filter: a view focused on X always shows X.
    """
    if depth < 0:
        raise ValueError(f"depth must be >= 0, got {depth}")
    if min_papers < 0:
        raise ValueError(f"min_papers must be >= 0, got {min_papers}")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes must be >= 1, got {max_nodes}")
    wanted_types = _check_types(types)

    total_n, total_e = graph.number_of_nodes(), graph.number_of_edges()
    notes: list[str] = []
    keep: set[str] = set(graph.nodes)
    centres: list[str] = []

    if focus is not None:
        centres = _focus_nodes(graph, focus)
        keep = ego_nodes(graph, centres, depth)
        shown = ", ".join(centres[:3]) + (" …" if len(centres) > 3 else "")
        notes.append(f"focus {focus!r} ({shown}), depth {depth}: {len(keep):,} of {total_n:,} nodes")

    if wanted_types is not None:
        before = len(keep)
        keep = {n for n in keep if graph.nodes[n].get("type") in wanted_types or n in centres}
        notes.append(f"types {', '.join(sorted(wanted_types))}: dropped {before - len(keep):,} nodes")

    if min_papers > 0:
        before = len(keep)
        keep = {n for n in keep if n in centres or _enough_papers(graph.nodes[n], min_papers)}
        notes.append(f"min papers {min_papers}: dropped {before - len(keep):,} nodes")

    sub = induced(graph, keep)
    if max_nodes is not None and len(keep) > max_nodes:
        before = len(keep)
        keep = _most_connected(sub, max_nodes, centres)
        notes.append(f"kept {len(keep):,} of {before:,} nodes (most connected); dropped {before - len(keep):,}")
        sub = induced(graph, keep)

    return Selection(sub, total_n, total_e, centres, notes)


def induced(graph: nx.MultiDiGraph, keep: set[str]) -> nx.MultiDiGraph:
    """The subgraph on ``keep``, a copy, with nodes and edges in ``graph``'s order.

    ``graph.subgraph(keep)`` iterates the set ``keep``, whose order changes with the hash seed:
    the page would list nodes in another order on every run and the layout would move them.
    """
    sub = nx.MultiDiGraph()
    sub.graph.update(graph.graph)
    sub.add_nodes_from((n, dict(d)) for n, d in graph.nodes(data=True) if n in keep)
    sub.add_edges_from(
        (u, v, k, dict(d)) for u, v, k, d in graph.edges(keys=True, data=True) if u in keep and v in keep
    )
    return sub


def _check_types(types: Iterable[str] | None) -> set[str] | None:
    if types is None:
        return None
    wanted = {t.strip() for t in types if t.strip()}
    unknown = sorted(wanted - NODE_TYPES.keys())
    if unknown:
        raise ValueError(f"unknown node type(s) {', '.join(unknown)}; known: {', '.join(NODE_TYPES)}")
    return wanted or None


def _enough_papers(attrs: dict, minimum: int) -> bool:
    count = paper_count(attrs)
    return count is None or count >= minimum


def _most_connected(graph: nx.MultiDiGraph, budget: int, pinned: list[str]) -> set[str]:
    """The ``budget`` nodes of highest degree (ties: more papers, then id), pinned ones first."""
    pinned_set = set(pinned[:budget])

    def rank(node: str) -> tuple[int, int, str]:
        return (-graph.degree(node), -(paper_count(graph.nodes[node]) or 0), node)

    rest = sorted((n for n in graph.nodes if n not in pinned_set), key=rank)
    return pinned_set | set(rest[: budget - len(pinned_set)])
