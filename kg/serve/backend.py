"""What ``kg serve`` asks of a graph: a few read-only primitives, answered by a graph file held in
memory (:mod:`kg.serve.file_backend`) or by Neo4j (:mod:`kg.serve.neo4j_backend`).

The API's answers are computed from these primitives in one place (:mod:`kg.serve.views`), so the
two backends cannot drift apart: a test checks they answer the same on the samples. Attributes
come back *cleaned* (:func:`clean`): None and empty lists dropped (Neo4j stores neither), evidence
decoded from the JSON text Neo4j holds it as.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from kg.schema import NODE_TYPES
from kg.serve.search import Entry

__all__ = ["Backend", "Edge", "clean", "paper_node_id", "search_entry"]

Attrs = dict[str, Any]


@dataclass(frozen=True)
class Edge:
    """One relationship: ``head -[type]-> tail`` and its cleaned attributes (evidence only when asked)."""

    head: str
    tail: str
    type: str
    attrs: Attrs = field(default_factory=dict, compare=False)

    def other(self, node_id: str) -> str:
        return self.tail if self.head == node_id else self.head


class Backend(Protocol):
    """Read-only access to one graph. Ids are the graph's node ids (``Type:key``)."""

    kind: str  # "file" or "neo4j"

    def search_entries(self) -> Iterator[Entry]:
        """Every node to index for search (Results are left out: their names are numbers)."""
        ...

    def nodes(self, ids: Collection[str]) -> dict[str, Attrs]:
        """Cleaned attributes of each id that exists; unknown ids are left out."""
        ...

    def degrees(self, ids: Collection[str]) -> dict[str, int]:
        """In plus out relationships of each id (parallel relationships counted)."""
        ...

    def neighbours(self, ids: Collection[str], relations: Collection[str] | None = None) -> set[str]:
        """Nodes one relationship away from any of ``ids``, either direction."""
        ...

    def edges_among(self, ids: Collection[str]) -> list[Edge]:
        """Relationships with both ends in ``ids``, without evidence."""
        ...

    def incident(
        self, ids: Collection[str], types: Collection[str] | None = None, *, evidence: bool = False
    ) -> list[Edge]:
        """Relationships touching any of ``ids`` (of ``types`` when given)."""
        ...

    def between(self, a: str, b: str) -> list[Edge]:
        """Relationships between ``a`` and ``b``, either direction, with their evidence."""
        ...

    def counts(self) -> dict[str, dict[str, int]]:
        """``{"nodes": {type: n}, "edges": {type: n}}``."""
        ...

    def close(self) -> None: ...


def clean(attrs: Mapping[str, Any]) -> Attrs:
    """Attributes as every backend gives them: no None, no empty list, evidence decoded, no id."""
    out: Attrs = {}
    for k, v in attrs.items():
        if v is None or (isinstance(v, (list, tuple)) and not v) or k in ("id", "labels"):
            continue
        if k == "evidence" and isinstance(v, str):
            try:
                v = json.loads(v)
            except ValueError:
                continue
        out[k] = list(v) if isinstance(v, tuple) else v
    return out


def paper_node_id(paper: Any) -> str:
    """What graphs store in ``papers`` lists (a paper's key, or its id) as the Paper node id."""
    text = str(paper)
    return text if text.startswith("Paper:") else f"Paper:{text}"


def shown_name(node_id: str, attrs: Mapping[str, Any]) -> str:
    name = attrs.get("title") if attrs.get("type") == "Paper" else attrs.get("name")
    return str(name or attrs.get("name") or node_id)


def search_entry(node_id: str, attrs: Mapping[str, Any]) -> Entry | None:
    node_type = str(attrs.get("type") or "")
    if node_type not in NODE_TYPES or node_type == "Result":
        return None
    aliases = tuple(str(a) for a in attrs.get("aliases") or ())
    if node_type == "Paper" and attrs.get("arxiv_id"):
        aliases += (str(attrs["arxiv_id"]),)
    return Entry(node_id, node_type, shown_name(node_id, attrs), aliases, len(attrs.get("papers") or ()))
