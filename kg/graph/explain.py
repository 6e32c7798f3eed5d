"""``kg explain``: why a node or an edge is in the graph, in the words of its evidence."""

from __future__ import annotations

import re
from typing import Any

import networkx as nx

from kg.errors import NotFoundError
from kg.graph.lookup import find_node
from kg.schema import RELATION_TYPES

_ARROW = re.compile(r"\s*-+>\s*")


def _mark(ev: dict[str, Any]) -> str:
    """The sentence with the arguments in [brackets]."""
    s, off = ev.get("sentence") or "", ev.get("sentence_start") or 0
    spans = sorted((tuple(x) for x in (ev.get("head"), ev.get("tail")) if x), reverse=True)
    for a, b in spans:
        a, b = a - off, b - off
        if 0 <= a <= b <= len(s):
            s = s[:a] + "[" + s[a:b] + "]" + s[b:]
    return s


def _label(g: nx.MultiDiGraph, n: str) -> str:
    d = g.nodes[n]
    return f'{d["type"]} "{d.get("name", n)}"'


def _edge_lines(g: nx.MultiDiGraph, u: str, v: str, k: str, d: dict[str, Any], limit: int) -> list[str]:
    lines = [
        f"{_label(g, u)} -[{k}]-> {_label(g, v)}   support {d.get('support', 0)}, "
        f"confidence {d.get('confidence', 0):.2f}"
    ]
    for ev in d.get("evidence", [])[:limit]:
        paper = ev.get("paper")
        title = g.nodes.get(f"Paper:{paper}", {}).get("title", paper) if paper else None
        where = f"{ev.get('field')}" if ev.get("field") else "name pattern"
        lines.append(
            f"    by {ev.get('extractor')} ({ev.get('confidence', 0):.2f}), {where}"
            + (f" of {title!r}" if title else "")
        )
        lines.append(f"      {_mark(ev)}")
    return lines


def explain(g: nx.MultiDiGraph, query: str, *, limit: int = 10) -> str:
    parts = _ARROW.split(query.strip())
    if len(parts) in (2, 3):
        u = find_node(g, parts[0])
        v = find_node(g, parts[-1])
        rtype = parts[1].strip().upper().replace(" ", "_") if len(parts) == 3 else None
        if rtype and rtype not in RELATION_TYPES:
            raise NotFoundError(f"unknown relation type {parts[1]!r}")
        edges = [(a, b, k, d) for a, b, k, d in g.edges([u], keys=True, data=True) if b == v and (rtype in (None, k))]
        edges += [(a, b, k, d) for a, b, k, d in g.edges([v], keys=True, data=True) if b == u and (rtype in (None, k))]
        if not edges:
            raise NotFoundError(
                f"no edge between {_label(g, u)} and {_label(g, v)}" + (f" of type {rtype}" if rtype else "")
            )
        return "\n".join(line for e in edges for line in _edge_lines(g, *e, limit))
    n = find_node(g, query)
    d = g.nodes[n]
    head = [f"{_label(g, n)}  ({n})"]
    if d.get("aliases"):
        head.append(f"  aliases: {', '.join(d['aliases'])}")
    if d.get("papers"):
        head.append(f"  papers: {len(d['papers'])}; confidence {d.get('confidence', 0):.2f}")
    if d.get("proposed_by"):
        head.append(
            f"  proposed by: {', '.join(g.nodes.get('Paper:' + p, {}).get('title', p) for p in d['proposed_by'])}"
        )
    lines = head + [""]
    edges = list(g.in_edges(n, keys=True, data=True)) + list(g.out_edges(n, keys=True, data=True))
    edges.sort(key=lambda e: (-e[3].get("support", 0), e[2], e[0], e[1]))
    for e in edges[:limit]:
        lines += _edge_lines(g, *e, limit=1)
    if len(edges) > limit:
        lines.append(f"… and {len(edges) - limit} more edges (--limit)")
    return "\n".join(lines)
