"""Extractions → one NetworkX MultiDiGraph (schemas/graph.md).

Papers keyed by id (the same paper from two listings is one node with both sources), entities
by ``Type:key`` across papers, edges keyed by relation type with every paper and evidence that
backs them. Corpus-level resolution (acronyms, variants) runs once at the end.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import networkx as nx

from kg.errors import InputError
from kg.model import Evidence, Extraction, Paper, Result
from kg.read.text import open_binary
from kg.resolve.corpus import resolve_corpus
from kg.schema import node_id

MAX_EVIDENCE_PER_EDGE = 20  # an edge backed by hundreds of papers keeps a readable sample


def read_extractions(path: str | Path) -> Iterator[Extraction]:
    """Stream ``kg extract`` JSONL, naming the line of any bad record."""
    path = Path(path)
    # a BOM (Windows tools write one) is not a record; kg extract --cluster writes .jsonl.gz parts
    with _open_text(path) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield Extraction.model_validate_json(line)
            except ValueError as err:
                first = str(err).splitlines()
                msg = first[1] + ": " + first[2].strip() if len(first) > 2 else first[0]
                raise InputError(str(path), number, f"not an extraction record ({msg})") from None


def _open_text(path: Path) -> IO[str]:
    # gzip told by its magic bytes and read no further than its limit, as every input
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig")


def content_hash(paper: Paper) -> str:
    """What `kg build --update` compares: a paper whose id and text are unchanged is not re-extracted."""
    return hashlib.sha1(f"{paper.title}\n{paper.abstract}".encode()).hexdigest()[:16]


# What the readers keep beyond the text; a paper node holds those its source gave (a graph built
# from the bundled listings, which give none, is unchanged by them).
PAPER_PROPERTIES = (
    "doi",
    "categories",
    "primary_category",
    "venue",
    "journal_ref",
    "comment",
    "upvotes",
    "num_comments",
    "code_url",
    "project_page",
)


def paper_properties(paper: Paper) -> dict[str, Any]:
    values = {name: getattr(paper, name) for name in PAPER_PROPERTIES}
    return {name: list(v) if isinstance(v, list) else v for name, v in values.items() if v not in (None, [], "")}


def paper_attrs(p: Paper, sources: list[str]) -> dict[str, Any]:
    """A paper node's attributes (kg.store.stream_export writes the same without a graph)."""
    return {
        "type": "Paper",
        "key": p.id,
        "name": p.title,
        "title": p.title,
        "abstract": p.abstract,
        "url": p.url,
        "date": p.date,
        "authors": list(p.authors),
        "arxiv_id": p.arxiv_id,
        "sources": sources,
        "content_hash": content_hash(p),
        **paper_properties(p),
    }


def result_attrs(r: Result, paper_id: str) -> dict[str, Any]:
    return {
        "type": "Result",
        "key": r.id.split(":", 1)[1],
        "name": f"{r.metric_name} {r.value_text}",
        "metric_name": r.metric_name,
        "value": r.value,
        "value_text": r.value_text,
        "unit": r.unit,
        "kind": r.kind,
        "direction": r.direction,
        "range_high": r.range_high,
        "paper": paper_id,
    }


def evidence_dict(paper_id: str, ev: Evidence) -> dict[str, Any]:
    d = ev.model_dump(mode="json")
    return {"paper": paper_id, **d}


def where(paper: Paper) -> str | None:
    return f"{paper.source.file}:{paper.source.line}" if paper.source else None


class GraphBuilder:
    """Add extractions one at a time (streaming); call :meth:`finish` for the resolved graph.

    A paper id seen again with the same title and abstract adds its source (identical duplicates
    merge); with another title or abstract it is a conflict: an :class:`InputError` naming both
    sources, raised, or passed to ``on_conflict`` (``--skip-invalid``) and the later one skipped.
    ``accepted`` is called with every extraction that went into the graph, in order: replaying
    them into a new builder gives the same graph (``kg build --update`` keeps them beside it).
    """

    def __init__(
        self,
        graph: nx.MultiDiGraph | None = None,
        on_conflict: Callable[[InputError], None] | None = None,
        accepted: Callable[[Extraction], None] | None = None,
    ):
        self.g = graph if graph is not None else nx.MultiDiGraph(name="paper-kg")
        self.on_conflict, self.accepted = on_conflict, accepted
        self._names: dict[str, Counter] = {}
        self._versions: dict[str, tuple[str, str | None]] = {}  # node id → content hash, first source
        for n, d in self.g.nodes(data=True):
            if d.get("type") == "Paper":
                self._versions[n] = (d.get("content_hash", ""), (d.get("sources") or [None])[0])
            elif d.get("name"):
                self._names[n] = Counter({d["name"]: len(d.get("papers", [])) or 1})

    def _conflict(self, p: Paper, pid: str) -> bool:
        """Whether ``p`` is another version of a paper already added (reported, or raised)."""
        digest = content_hash(p)
        known = self._versions.setdefault(pid, (digest, where(p)))
        if known[0] == digest:
            return False
        err = InputError(
            p.source.file if p.source else "(input)",
            p.source.line if p.source else None,
            f"paper {p.id!r} has another title or abstract than at {known[1] or 'an earlier record'}",
        )
        if self.on_conflict is None:
            raise err
        self.on_conflict(err)
        return True

    def add(self, ex: Extraction) -> None:
        p = ex.paper
        pid = node_id("Paper", p.id)
        if self._conflict(p, pid):
            return
        if self.accepted is not None:
            self.accepted(ex)
        source = where(p)
        if pid in self.g:
            node = self.g.nodes[pid]
            if source and source not in node["sources"]:
                node["sources"].append(source)
        else:
            self.g.add_node(pid, **paper_attrs(p, [source] if source else []))
        for e in ex.entities:
            if e.id not in self.g:
                self.g.add_node(
                    e.id,
                    type=e.type,
                    key=e.key,
                    name=e.name,
                    aliases=[],
                    papers=[],
                    confidence=e.confidence,
                    proposed_by=[],
                    url=e.url,
                )
                self._names[e.id] = Counter()
            node = self.g.nodes[e.id]
            self._names[e.id][e.name] += 1
            node["aliases"] = sorted(set(node["aliases"]) | set(e.aliases) | {e.name})
            if p.id not in node["papers"]:
                node["papers"].append(p.id)
            node["confidence"] = max(node["confidence"], e.confidence)
            if e.proposed and p.id not in node["proposed_by"]:
                node["proposed_by"].append(p.id)
            if e.url and not node.get("url"):
                node["url"] = e.url
        for r in ex.results:
            self.g.add_node(r.id, **result_attrs(r, p.id))
            self.add_edge("REPORTS", pid, r.id, p.id, r.evidence)
            self.add_edge("OF_METRIC", r.id, r.metric, p.id, r.evidence)
            if r.dataset:
                self.add_edge("ON_DATASET", r.id, r.dataset, p.id, r.evidence)
            if r.method:
                self.add_edge("BY_METHOD", r.id, r.method, p.id, r.evidence)
        for rel in ex.relations:
            self.add_edge(rel.type, rel.head, rel.tail, p.id, rel.evidence)

    def add_edge(self, rtype: str, u: str, v: str, paper_id: str, ev: Evidence | dict) -> None:
        if u not in self.g or v not in self.g:
            return
        evd = evidence_dict(paper_id, ev) if isinstance(ev, Evidence) else ev
        if self.g.has_edge(u, v, key=rtype):
            d = self.g.edges[u, v, rtype]
            if paper_id not in d["papers"]:
                d["papers"].append(paper_id)
                d["support"] = len(d["papers"])
                if len(d["evidence"]) < MAX_EVIDENCE_PER_EDGE:
                    d["evidence"].append(evd)
            d["confidence"] = max(d["confidence"], evd["confidence"])
        else:
            self.g.add_edge(
                u, v, key=rtype, type=rtype, papers=[paper_id], support=1, confidence=evd["confidence"], evidence=[evd]
            )

    def finish(self) -> nx.MultiDiGraph:
        for n, names in self._names.items():
            if n in self.g and names:
                self.g.nodes[n]["name"] = max(names, key=lambda s: (names[s], len(s), s))
        resolve_corpus(self.g)
        return self.g


def build_graph(
    extractions: Iterable[Extraction | dict],
    graph: nx.MultiDiGraph | None = None,
    on_conflict: Callable[[InputError], None] | None = None,
    accepted: Callable[[Extraction], None] | None = None,
) -> nx.MultiDiGraph:
    b = GraphBuilder(graph, on_conflict, accepted)
    for ex in extractions:
        b.add(ex if isinstance(ex, Extraction) else Extraction.model_validate(ex))
    return b.finish()
