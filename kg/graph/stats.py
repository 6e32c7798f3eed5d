"""``kg stats``: node and edge counts by type, and the most connected entities."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import networkx as nx


def size(g: nx.MultiDiGraph) -> dict[str, int]:
    """Papers, nodes and edges: the summary line of ``kg build``."""
    papers = sum(1 for _, d in g.nodes(data=True) if d.get("type") == "Paper")
    return {"papers": papers, "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}


def stats(g: nx.MultiDiGraph) -> dict[str, Any]:
    nodes = Counter(d.get("type", "?") for _, d in g.nodes(data=True))
    edges = Counter(k for _, _, k in g.edges(keys=True))
    top: dict[str, list[tuple[str, int]]] = {}
    for t in ("Method", "Dataset", "Task", "Metric", "Repository"):
        ranked = sorted(
            ((d["name"], len(d.get("papers", []))) for _, d in g.nodes(data=True) if d.get("type") == t),
            key=lambda x: (-x[1], x[0]),
        )
        top[t] = ranked[:5]
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "node_types": dict(sorted(nodes.items())),
        "edge_types": dict(sorted(edges.items())),
        "top": top,
    }


def format_stats(s: dict[str, Any]) -> str:
    lines = [f"nodes {s['nodes']:,}   edges {s['edges']:,}", "", "node type      count"]
    lines += [f"  {t:<12} {c:>6,}" for t, c in s["node_types"].items()]
    lines += ["", "edge type      count"]
    lines += [f"  {t:<12} {c:>6,}" for t, c in s["edge_types"].items()]
    lines += ["", "most connected (papers)"]
    for t, ranked in s["top"].items():
        if ranked:
            lines.append(f"  {t:<10} " + ", ".join(f"{n} ({c})" for n, c in ranked))
    return "\n".join(lines)


def dumps_stats(s: dict[str, Any]) -> str:
    return json.dumps(s, indent=2, ensure_ascii=False)
