"""``kg build --update``: the graph a full build would give, extracting only what is new.

A graph is the function of the extractions fed to :class:`~kg.graph.build.GraphBuilder`, in order,
but it does not hold them (display names are counted over mentions, acronyms are merged, evidence
is sampled), so an update cannot add papers to it and get what a full build gives. ``kg build``
therefore keeps those extractions beside the graph, ``GRAPH.extractions.jsonl`` (a ``kg extract``
JSONL: ``kg build`` on it alone gives the graph again). An update replays them and then the run's
papers, in input order:

* a paper whose id and content hash (title and abstract) are held is not extracted again: its held
  extraction is fed with the new source, exactly as a full build over both inputs would see it;
* a paper held with another text is a new version: every held record of that id is dropped (its
  old edges, evidence and the entities only it named go) and the new one is extracted;
* conflicting versions within the run are reported like in a full build.

So ``kg build A -o g && kg build --update g B`` gives the bytes of ``kg build A B -o g`` (of A
without the papers B changes, then B). ``GRAPH.lock`` serialises concurrent updates of one graph.
"""

from __future__ import annotations

import fcntl
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import IO

import networkx as nx

from kg.errors import InputError, KgError
from kg.graph.build import GraphBuilder, content_hash, read_extractions
from kg.model import Extraction, Paper

RECORD_SUFFIX = ".extractions.jsonl"
OnError = Callable[[InputError], None]


def record_path(graph_path: str | Path) -> Path | None:
    """Where the extractions behind a graph file are kept; None for stdout and special files."""
    if str(graph_path) in ("", "-"):
        return None
    path = Path(graph_path)
    if path.exists() and not path.is_file():
        return None
    return path.with_name(path.name + RECORD_SUFFIX)


class UpdateBusy(KgError):
    """Another update holds the graph's lock and the caller would not wait (exit code 75,
    EX_TEMPFAIL: a cron job can try again later)."""

    exit_code = 75


@contextmanager
def locked(
    graph_path: str | Path | None, *, wait: bool = True, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold ``GRAPH.lock`` (an exclusive flock) around an update's read-modify-write; two
    ``kg build --update`` of one graph run one after the other instead of losing papers. When
    another process holds it: wait (``on_wait`` is told first), or with ``wait=False`` raise
    :class:`UpdateBusy`."""
    if graph_path is None:
        yield
        return
    lock_path = Path(str(graph_path) + ".lock")
    try:
        fh = open(lock_path, "a")  # noqa: SIM115 - held for the whole block
    except OSError as err:
        raise InputError(str(lock_path), None, f"cannot open the update lock: {err.strerror}") from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise UpdateBusy(
                    f"{graph_path}: another update of this graph is running (it holds {lock_path})"
                ) from None
            if on_wait is not None:
                on_wait()
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def seen_papers(g: nx.MultiDiGraph) -> dict[str, str]:
    """Paper id → content hash of every paper in a graph."""
    return {d["key"]: d.get("content_hash", "") for _, d in g.nodes(data=True) if d.get("type") == "Paper"}


def load_record(graph_path: str | Path, base: nx.MultiDiGraph) -> list[Extraction]:
    """The extractions kept beside ``graph_path``, checked against the graph they built."""
    path = record_path(graph_path)
    if path is None or not path.is_file():
        raise InputError(
            str(graph_path),
            None,
            f"has no {Path(str(graph_path)).name}{RECORD_SUFFIX} beside it "
            "(the extractions kg build keeps for --update); build the graph again from its inputs",
        )
    record = list(read_extractions(path))
    held: dict[str, str] = {}
    for ex in record:
        held.setdefault(ex.paper.id, content_hash(ex.paper))
    if held != seen_papers(base):
        raise InputError(
            str(path),
            None,
            f"does not match {graph_path} (was one of them changed or copied "
            "without the other?); build the graph again from its inputs",
        )
    return record


class GraphUpdate:
    """One ``kg build``: with a ``record`` (the extractions behind an existing graph) an update,
    else a plain build. Filters papers (before extraction) or extractions, counts both kinds,
    builds, and keeps the extractions it built from for the next update (:meth:`save_record`)."""

    def __init__(self, record: list[Extraction] | None = None, on_error: OnError | None = None):
        self.record = record
        self.on_error = on_error
        self._held: dict[str, Extraction] = {}
        for ex in record or []:
            self._held.setdefault(ex.paper.id, ex)
        self._run_papers: list[Paper] | None = None
        self._run_extractions: list[Extraction] | None = None
        self._spool: IO[str] | None = None
        self.skipped = 0
        self.added = 0

    @classmethod
    def load(cls, graph_path: str | Path | None, on_error: OnError | None = None) -> GraphUpdate:
        """A plain build (no path), or an update of the graph at ``graph_path``."""
        if graph_path is None:
            return cls(None, on_error)
        from kg.graph.formats import read_graph

        return cls(load_record(graph_path, read_graph(graph_path)), on_error)

    @property
    def filters(self) -> bool:
        return self.record is not None

    def _is_held(self, paper: Paper) -> bool:
        held = self._held.get(paper.id)
        return held is not None and content_hash(held.paper) == content_hash(paper)

    def new_papers(self, papers: Iterable[Paper]) -> Iterator[Paper]:
        """The papers to extract: all of the run's papers are read first (ids and hashes decide
        what the update replaces before anything is built)."""
        self._run_papers = list(papers)
        return (p for p in self._run_papers if not self._is_held(p))

    def new_extractions(self, extractions: Iterable[Extraction]) -> Iterator[Extraction]:
        """Extraction inputs: an update reads them all first (a plain build streams them)."""
        if self.record is None:
            return iter(extractions)
        self._run_extractions = list(extractions)
        return iter(self._run_extractions)

    def _run(self, extracted: Iterator[Extraction]) -> Iterator[Extraction]:
        """The run's extractions in input order: held papers from the record, the rest extracted."""
        if self._run_papers is None:  # extraction inputs (or a plain build): as they come
            for ex in extracted:
                if self._is_held(ex.paper):
                    self.skipped += 1
                else:
                    self.added += 1
                yield ex
            return
        for p in self._run_papers:
            if self._is_held(p):
                self.skipped += 1
                held = self._held[p.id]
                yield held.model_copy(update={"paper": held.paper.model_copy(update={"source": p.source})})
            else:
                self.added += 1
                yield next(extracted)

    def build(self, extractions: Iterable[Extraction]) -> nx.MultiDiGraph:
        """The graph of the record (less the papers this run replaces) and then the run."""
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")
        builder = GraphBuilder(on_conflict=self.on_error, accepted=self._keep)
        extracted = iter(extractions)
        if self.record is not None:
            first = next(extracted, None)  # reads the run's inputs: what it replaces is known now
            if self._run_papers is not None:
                run = self._run_papers
            else:
                run = [ex.paper for ex in self._run_extractions or []]
            replaced = {p.id for p in run if p.id in self._held and not self._is_held(p)}
            for ex in self.record:
                if ex.paper.id not in replaced:
                    builder.add(ex)
            extracted = chain([] if first is None else [first], extracted)
        for ex in self._run(extracted):
            builder.add(ex)
        return builder.finish()

    def _keep(self, ex: Extraction) -> None:
        assert self._spool is not None
        self._spool.write(ex.model_dump_json())
        self._spool.write("\n")

    def save_record(self, graph_path: str | Path) -> None:
        """Keep the extractions the graph was built from beside it, for the next update."""
        path = record_path(graph_path)
        if path is None or self._spool is None:
            return
        from kg.io.atomic import atomic_write

        self._spool.seek(0)
        with atomic_write(path) as fh:
            shutil.copyfileobj(self._spool, fh)
        self._spool.close()
        self._spool = None

    def counts(self) -> dict[str, int]:
        if self.record is None:
            return {}
        return {"new papers extracted": self.added, "already in the graph": self.skipped}
