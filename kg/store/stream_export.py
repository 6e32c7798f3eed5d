"""``kg export --format neo4j-admin OUTDIR PARTS…``: the bulk CSVs straight from extraction files,
never holding the graph.

It writes what :func:`kg.store.admin_export.export_neo4j_admin` writes for the graph
:func:`kg.graph.build.build_graph` makes of the same extractions (equal as sets of rows), in two
passes over the files:

1. **Entities.** Per distinct entity: its type, key, the names it was written as (the display
   name is counted over mentions), aliases, papers (4 bytes each), confidence, url. Papers go
   to an SQLite file (id, content hash, sources): a paper id seen again with another text is the
   same error ``kg build`` raises. Corpus resolution (kg.resolve.corpus, the code ``kg build``
   runs) then runs on a graph of the entities alone, with no edges, to learn which entities an
   acronym merge or a variant family touches: few, next to the corpus.
2. **Rows.** Papers and results stream to their files. An edge between a paper (or its result)
   and an entity belongs to that paper and streams too. Entity–entity edges, which papers share,
   are aggregated in SQLite (papers in order, the first MAX_EVIDENCE_PER_EDGE evidence, top
   confidence): on disk, not in memory. Edges that touch a resolved entity are aggregated there
   as well and then folded by the same merge code on the entities' graph.

Memory therefore grows with distinct entities (and 4 bytes per paper an entity is in), not with
papers or edges; the SQLite file grows with entity–entity edge mentions.
"""

from __future__ import annotations

import contextlib
import tempfile
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import InputError
from kg.graph.build import content_hash, evidence_dict, paper_attrs, result_attrs, where
from kg.graph.formats import iter_extractions
from kg.model import Evidence, Extraction
from kg.resolve.corpus import resolve_corpus
from kg.schema import node_id, split_node_id
from kg.store.admin_export import ExportReport, write_import_command
from kg.store.csv_sink import CsvSinks
from kg.store.neo4j import DEFAULT_DATABASE, to_property
from kg.store.stream_db import EdgeStore

__all__ = ["export_stream", "extraction_files"]


def extraction_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a directory gives its ``*.jsonl`` and ``*.jsonl.gz`` (a --cluster OUTDIR)."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.name.endswith((".jsonl", ".jsonl.gz")))
            if not found:
                raise InputError(str(p), None, "directory has no extraction files (*.jsonl, *.jsonl.gz)")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise InputError(str(p), None, "no such file or directory")
    return files


def _extractions(files: list[Path]) -> Iterator[Extraction]:
    for f in files:
        yield from iter_extractions(f)


class _Entity:
    """One entity as GraphBuilder would hold it, with papers as numbers (their first seq)."""

    __slots__ = ("type", "key", "names", "aliases", "papers", "confidence", "proposed", "url", "seq")

    def __init__(self, type_: str, key: str, seq: int):
        self.type, self.key, self.seq = type_, key, seq
        self.names: Counter[str] = Counter()
        self.aliases: set[str] = set()
        self.papers, self.proposed = array("I"), array("I")
        self.confidence: float = 0.0
        self.url: str | None = None


class _Scan:
    """Pass 1: entities in memory, papers in the database."""

    def __init__(self, db: EdgeStore):
        self.db = db
        self.entities: dict[str, _Entity] = {}

    def add(self, seq: int, ex: Extraction) -> None:
        p = ex.paper
        num = self.db.add_paper(node_id("Paper", p.id), seq, content_hash(p), where(p))
        if num is None:
            first = self.db.first_source(node_id("Paper", p.id))
            raise InputError(
                p.source.file if p.source else "(input)",
                p.source.line if p.source else None,
                f"paper {p.id!r} has another title or abstract than at {first or 'an earlier record'}",
            )
        dup = num != seq
        for e in ex.entities:
            node = self.entities.get(e.id)
            if node is None:
                node = self.entities[e.id] = _Entity(e.type, e.key, seq)
                node.confidence = e.confidence
            node.names[e.name] += 1
            node.aliases.update(e.aliases)
            node.aliases.add(e.name)
            if not _holds(node.papers, num, dup):
                node.papers.append(num)
            node.confidence = max(node.confidence, e.confidence)
            if e.proposed and not _holds(node.proposed, num, dup):
                node.proposed.append(num)
            if e.url and not node.url:
                node.url = e.url

    def graph(self) -> nx.MultiDiGraph:
        """The entities as ``GraphBuilder.finish`` leaves them before resolution (papers shared)."""
        g = nx.MultiDiGraph(name="paper-kg")
        for nid, n in self.entities.items():
            name = max(n.names, key=lambda s: (n.names[s], len(s), s))
            g.add_node(
                nid,
                type=n.type,
                key=n.key,
                name=name,
                aliases=sorted(n.aliases),
                papers=n.papers,
                confidence=n.confidence,
                proposed_by=n.proposed,
                url=n.url,
            )
        return g


def _holds(papers: array, num: int, dup: bool) -> bool:
    # in input order a paper's own entities end the list; only a repeated paper needs a search
    return (bool(papers) and papers[-1] == num) or (dup and num in papers)


def _touched(scan: _Scan) -> set[str]:
    """Entities corpus resolution merges, removes or makes, found by running it on entities alone
    (edges never change its decisions); merge_nodes gives a merged node new lists."""
    g = scan.graph()
    resolve_corpus(g)
    gone = {n for n in scan.entities if n not in g}
    merged = {n for n, d in g.nodes(data=True) if n not in scan.entities or d["papers"] is not scan.entities[n].papers}
    return gone | merged


def _label_key(nid: str, scan: _Scan) -> tuple[str, str]:
    e = scan.entities.get(nid)
    return (e.type, e.key) if e is not None else split_node_id(nid)


def _props(attrs: dict[str, Any]) -> dict[str, Any]:
    return {name: to_property(value) for name, value in attrs.items()}


class _Rows:
    """Pass 2: papers, results and their edges to the CSVs; shared edges to the database."""

    def __init__(self, scan: _Scan, held: set[str], sinks: CsvSinks):
        self.scan, self.db, self.held, self.sinks = scan, scan.db, held, sinks

    def _exists(self, nid: str, seq: int, local: set[str]) -> bool:
        """Whether GraphBuilder would hold ``nid`` when this paper's edges are added."""
        if nid in local:
            return True
        e = self.scan.entities.get(nid)
        if e is not None:
            return e.seq <= seq
        return nid.startswith("Paper:") and self.db.paper_seen_by(nid, seq)

    def add(self, seq: int, ex: Extraction) -> None:
        p = ex.paper
        pid = node_id("Paper", p.id)
        num, sources, count = self.db.paper(pid)
        shared = count > 1  # a paper read twice: its edges and results are aggregated too
        if num == seq:
            self.sinks.node("Paper", p.id, {**_props(paper_attrs(p, sources)), "id": pid})
        local = {pid}
        edges: list[tuple[str, str, str, Evidence]] = []
        for r in ex.results:
            local.add(r.id)
            attrs = {**_props(result_attrs(r, p.id)), "id": r.id}
            if shared:
                self.db.put_result(r.id, attrs)
            else:
                self.sinks.node("Result", attrs["key"], attrs)
            edges.append(("REPORTS", pid, r.id, r.evidence))
            edges.append(("OF_METRIC", r.id, r.metric, r.evidence))
            if r.dataset:
                edges.append(("ON_DATASET", r.id, r.dataset, r.evidence))
            if r.method:
                edges.append(("BY_METHOD", r.id, r.method, r.evidence))
        edges += [(rel.type, rel.head, rel.tail, rel.evidence) for rel in ex.relations]
        own: dict[tuple[str, str, str], dict[str, Any]] = {}
        for rtype, u, v, ev in edges:
            if not (self._exists(u, seq, local) and self._exists(v, seq, local)):
                continue
            evd = evidence_dict(p.id, ev)
            is_held = u in self.held or v in self.held
            if is_held or shared or not (u in local or v in local):
                self.db.add_edge(u, v, rtype, num, evd, is_held)
            elif (u, v, rtype) in own:
                own[(u, v, rtype)]["confidence"] = max(own[(u, v, rtype)]["confidence"], evd["confidence"])
            else:
                own[(u, v, rtype)] = {
                    "papers": [p.id],
                    "support": 1,
                    "confidence": evd["confidence"],
                    "evidence": [evd],
                }
        for (u, v, rtype), attrs in own.items():
            self.relationship(rtype, u, v, attrs)

    def relationship(self, rtype: str, u: str, v: str, attrs: dict[str, Any]) -> None:
        (hl, hk), (tl, tk) = _label_key(u, self.scan), _label_key(v, self.scan)
        self.sinks.relationship((rtype, hl, tl), hk, tk, _props(attrs))


def export_stream(paths: Iterable[str | Path], directory: str | Path, database: str = DEFAULT_DATABASE) -> ExportReport:
    """Write the CSVs and ``import-command.sh`` into ``directory`` from extraction files."""
    files = extraction_files(paths)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix=".kg-export-", dir=out) as tmp,
        contextlib.closing(EdgeStore(Path(tmp) / "export.sqlite")) as db,
    ):
        scan = _Scan(db)
        for seq, ex in enumerate(_extractions(files)):
            scan.add(seq, ex)
        db.commit()
        held = _touched(scan)
        sinks = CsvSinks(out, Path(tmp))
        rows = _Rows(scan, held, sinks)
        for seq, ex in enumerate(_extractions(files)):
            rows.add(seq, ex)
        db.commit()
        for attrs in db.results():
            sinks.node("Result", attrs["key"], attrs)
        for u, v, rtype, attrs in db.edges(held=False):
            rows.relationship(rtype, u, v, {**attrs, "papers": db.paper_ids(attrs["papers"])})
        _write_resolved(scan, rows, db, sinks)
        node_files, rel_files = sinks.finish()
    return write_import_command(out, node_files, rel_files, database)


def _write_resolved(scan: _Scan, rows: _Rows, db: EdgeStore, sinks: CsvSinks) -> None:
    """Entities after corpus resolution, with the edges that touch a resolved one folded by it."""
    g = scan.graph()
    for u, v, rtype, attrs in db.edges(held=True):
        g.add_edge(u, v, key=rtype, type=rtype, **attrs)  # a paper or result end is a bare node here
    resolve_corpus(g)
    for nid, d in g.nodes(data=True):
        if "type" not in d:
            continue
        attrs = {**d, "papers": db.paper_ids(d["papers"]), "proposed_by": db.paper_ids(d["proposed_by"])}
        label, key = d["type"], d["key"]
        sinks.node(label, key, {**_props(attrs), "id": nid, "key": key, "type": label})
    for u, v, rtype, attrs in g.edges(keys=True, data=True):
        attrs = {k: val for k, val in attrs.items() if k != "type"}
        attrs["papers"] = db.paper_ids(attrs["papers"])
        hl, hk = (g.nodes[u]["type"], g.nodes[u]["key"]) if "type" in g.nodes[u] else split_node_id(u)
        tl, tk = (g.nodes[v]["type"], g.nodes[v]["key"]) if "type" in g.nodes[v] else split_node_id(v)
        sinks.relationship((rtype, hl, tl), hk, tk, _props(attrs))
