"""Finding a node by the name a person types: the one rule, for NetworkX and for Cypher.

``kg explain``, ``kg render --focus``, ``kg leaderboard`` and the named Neo4j queries all look nodes up here, so a
name that finds a node in one finds the same node in the others. A node answers to a name when

- the name, trimmed and lower-cased, equals its id (``Type:key``), key, name, title, arXiv id
  or one of its aliases, trimmed and lower-cased; or
- the name's canonical key (:func:`kg.resolve.keys.canonical_key`) is the node's key, so other
  spellings of an entity ("Vision-Transformers", "imagenet 1k") find it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kg.errors import NotFoundError
from kg.resolve.keys import canonical_key

if TYPE_CHECKING:  # the named Cypher queries use this module; kg --help should not load networkx
    import networkx as nx

__all__ = [
    "NAME_ATTRS",
    "NodeNotFound",
    "answers_to",
    "closest_hint",
    "closest_names",
    "cypher_named",
    "find_node",
    "find_nodes",
    "fold",
    "key_param",
]

# The node attributes a name is compared with, besides the node id. Aliases is a list.
NAME_ATTRS = ("key", "name", "title", "arxiv_id", "aliases")


class NodeNotFound(NotFoundError):
    """No node answers to ``query``; ``close`` holds a few similar node names for a hint."""

    def __init__(self, query: str, close: list[str]):
        self.query, self.close = query, close
        super().__init__(f"no node named {query!r}{closest_hint(close)}")


def closest_hint(close: list[str]) -> str:
    """What follows "no … named X" in every lookup error (explain, render, leaderboard): the
    closest names, or nothing when none is close."""
    return f"; closest: {', '.join(close)}" if close else ""


def fold(text: Any) -> str:
    """What two names are compared as (Cypher: ``toLower(trim(x))``)."""
    return str(text).strip().lower()


def _names(node_id: str, attrs: Mapping[str, Any]) -> set[str]:
    names = {node_id, *(attrs.get(a) for a in NAME_ATTRS if a != "aliases"), *(attrs.get("aliases") or ())}
    return {fold(n) for n in names if n}


def answers_to(node_id: str, attrs: Mapping[str, Any], query: str) -> bool:
    wanted = fold(query)
    if not wanted:
        return False
    return wanted in _names(node_id, attrs) or canonical_key(query) == attrs.get("key")


def closest_names(g: nx.MultiDiGraph, query: str, kind: str | None = None, limit: int = 5) -> list[str]:
    """Display names of the nodes (of type ``kind``) most like ``query`` by name or alias, best
    first: the hint when nothing answers to a query."""
    from rapidfuzz import fuzz, process

    choices: dict[str, str] = {}
    for n, a in g.nodes(data=True):
        if kind is None or a.get("type") == kind:
            name = str(a.get("name") or n)
            for text in (name, *(a.get("aliases") or ())):
                choices.setdefault(fold(text), name)
    found = process.extract(fold(query), list(choices), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=60)
    return list(dict.fromkeys(choices[text] for text, _, _ in found))[:limit]


def find_nodes(g: nx.MultiDiGraph, query: str, kind: str | None = None) -> list[str]:
    """The ids of every node (of type ``kind``) that answers to ``query``, sorted; NodeNotFound,
    with the closest names, when none does."""
    found = sorted(
        n
        for n, attrs in g.nodes(data=True)
        if (kind is None or attrs.get("type") == kind) and answers_to(n, attrs, query)
    )
    if not found:
        raise NodeNotFound(query, closest_names(g, query, kind))
    return found


def find_node(g: nx.MultiDiGraph, query: str) -> str:
    """The one node meant by ``query``: of several (a Method and a Task can share a name), the
    most connected."""
    return max(find_nodes(g, query), key=lambda n: (g.degree(n), n))


def key_param(param: str) -> str:
    """The name of the extra Cypher parameter that :func:`cypher_named` compares keys with."""
    return f"{param}_key"


def cypher_named(var: str, param: str) -> str:
    """The rule above as a Cypher condition on node ``var`` and ``$param``.

    ``$<param>_key`` must hold ``canonical_key`` of the name (Cypher cannot compute it):
    ``kg.store.queries.bind_params`` binds it.
    """
    listed = ", ".join(f"{var}.{a}" for a in ("id", *NAME_ATTRS) if a != "aliases")
    return (
        f"(toLower(trim(${param})) IN [x IN [{listed}] + coalesce({var}.aliases, []) "
        f"WHERE x IS NOT NULL | toLower(trim(x))] OR {var}.key = ${key_param(param)})"
    )
