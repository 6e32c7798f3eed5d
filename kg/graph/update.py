"""``kg build --update``: add to an existing graph only the papers it does not hold yet.

A paper is held when a Paper node has its id and the same content hash (title and abstract),
so a re-run on the same input does no extraction work, and an edited abstract is read again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import networkx as nx

from kg.graph.build import build_graph, content_hash
from kg.model import Extraction, Paper


def seen_papers(g: nx.MultiDiGraph) -> dict[str, str]:
    """Paper id → content hash of every paper already in a graph."""
    return {d["key"]: d.get("content_hash", "") for _, d in g.nodes(data=True) if d.get("type") == "Paper"}


class GraphUpdate:
    """Filters papers (before extraction) or extractions against ``base``, counting both kinds.

    With no base graph (a plain ``kg build``) nothing is filtered and :meth:`counts` adds nothing.
    """

    def __init__(self, base: nx.MultiDiGraph | None = None):
        self.base = base
        self._seen = seen_papers(base) if base is not None else {}
        self.skipped = 0
        self.added = 0

    @property
    def filters(self) -> bool:
        return bool(self._seen)

    def held(self, paper: Paper) -> bool:
        if self._seen.get(paper.id) == content_hash(paper):
            self.skipped += 1
            return True
        return False

    def new_papers(self, papers: Iterable[Paper]) -> Iterator[Paper]:
        return (p for p in papers if not (self.filters and self.held(p)))

    def new_extractions(self, extractions: Iterable[Extraction]) -> Iterator[Extraction]:
        return (ex for ex in extractions if not (self.filters and self.held(ex.paper)))

    def build(self, extractions: Iterable[Extraction]) -> nx.MultiDiGraph:
        """The base graph (or a new one) with ``extractions`` added; counts them as added."""
        def counted() -> Iterator[Extraction]:
            for ex in extractions:
                self.added += 1
                yield ex
        return build_graph(counted(), graph=self.base)

    def counts(self) -> dict[str, int]:
        if self.base is None:
            return {}
        return {"new papers extracted": self.added, "already in the graph": self.skipped}
