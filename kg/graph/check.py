"""Checking a graph read from a file: every node and edge has what stats, render, explain and
``--update`` read (kg/graph/formats.py reads, this module judges what was read)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import InputError
from kg.schema import NODE_TYPES, RELATION_TYPES

_NODE_LISTS = ("aliases", "papers", "proposed_by", "sources", "authors", "links")
_EDGE_LISTS = ("papers", "evidence")
_NUMBERS = ("confidence", "support", "value", "range_high")


def check_graph(g: nx.MultiDiGraph, path: str | Path) -> nx.MultiDiGraph:
    """``g`` if every node and edge has what stats, render, explain and ``--update`` read; a Paper
    node's missing ``key`` is taken from its id and an edge's missing key from its ``type`` (as
    networkx's own export leaves them). Anything else missing or mistyped is an InputError."""

    def bad(message: str) -> InputError:
        return InputError(str(path), None, message)

    def number(owner: str, attrs: dict[str, Any]) -> None:
        for k in _NUMBERS:
            v = attrs.get(k)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)):
                raise bad(f"{k!r} of {owner} is not a number")

    def lists(owner: str, attrs: dict[str, Any], names: tuple[str, ...]) -> None:
        for k in names:
            v = attrs.get(k)
            if v is not None and not isinstance(v, list):
                raise bad(f"{k!r} of {owner} is not a list")

    for u, v in g.edges():
        for end in (u, v):
            if not g.nodes[end]:
                raise bad(f"edge {u} -> {v}: node {end!r} is not declared")
    for n, d in g.nodes(data=True):
        if "type" not in d:
            raise bad(f"node {n!r} has no type")
        if d["type"] not in NODE_TYPES:
            raise bad(f"node {n!r} has unknown type {d['type']!r}")
        if not isinstance(d.get("name"), str):
            raise bad(f"node {n!r} has no name")
        if d["type"] == "Paper" and d.get("key") is None:
            if not str(n).startswith("Paper:"):
                raise bad(f"Paper node {n!r} has no key")
            d["key"] = str(n)[len("Paper:") :]
        lists(f"node {n!r}", d, _NODE_LISTS)
        number(f"node {n!r}", d)
    rekey = []
    for u, v, k, d in g.edges(keys=True, data=True):
        rtype = d.get("type", k if isinstance(k, str) else None)
        if not isinstance(rtype, str):
            raise bad(f"edge {u} -> {v} has no type")
        if rtype not in RELATION_TYPES:
            raise bad(f"edge {u} -> {v} has unknown type {rtype!r}")
        if k != rtype:
            rekey.append((u, v, k))
        d["type"] = rtype
        lists(f"edge {u} -> {v}", d, _EDGE_LISTS)
        if any(not isinstance(e, dict) for e in d.get("evidence") or ()):
            raise bad(f"'evidence' of edge {u} -> {v} holds something other than records")
        number(f"edge {u} -> {v}", d)
    for u, v, k in rekey:
        d = g.edges[u, v, k]
        g.remove_edge(u, v, key=k)
        if g.has_edge(u, v, key=d["type"]):
            raise bad(f"edge {u} -> {v} of type {d['type']} appears twice")
        g.add_edge(u, v, key=d["type"], **d)
    return g
