"""``kg update GRAPH …``: papers in (fetched or read), only the new and changed ones extracted,
merged into the graph, the delta loaded into Neo4j, the page rendered again.

It is ``kg build --update`` (:class:`kg.graph.update.GraphUpdate`) with three differences made for
a job that runs unattended:

* papers the graph already holds with the same text are left out of the run, not fed again with
  their new source: a listing fetched again would otherwise add a source to every paper it
  repeats (and point it at a fetch file the next run overwrites);
* a run with nothing new or changed writes nothing at all: the graph, its extractions, the HTML
  and Neo4j keep every byte (and their modification times), so a cron job that finds nothing
  costs a read of the graph;
* the lock can be refused instead of waited for (``--no-wait``: exit 75).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.model import Extraction, Paper

if TYPE_CHECKING:
    import networkx as nx

    from kg.store.settings import Settings

__all__ = ["UpdateReport", "update_graph"]

Extract = Callable[[Iterable[Paper]], Iterator[Extraction]]
OnError = Callable[[InputError], None]


@dataclass
class UpdateReport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    nodes_before: int = 0
    edges_before: int = 0
    nodes: int = 0
    edges: int = 0
    wrote: bool = False  # the graph (and its extractions) were written
    html: Path | None = None  # the page rendered in this run
    neo4j_rows: int | None = None  # rows sent to Neo4j (None: not asked)
    notes: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def line(self) -> str:
        """``kg update: 3 new, 1 changed, 120 unchanged papers; graph 3,500 nodes (+40), …``."""
        papers = f"{self.new:,} new, {self.changed:,} changed, {self.unchanged:,} unchanged paper" + (
            "" if self.new + self.changed + self.unchanged == 1 else "s"
        )
        if self.wrote:
            dn, de = self.nodes - self.nodes_before, self.edges - self.edges_before
            graph = f"graph {self.nodes:,} nodes ({dn:+,}), {self.edges:,} edges ({de:+,})"
        else:
            graph = f"graph unchanged ({self.nodes:,} nodes, {self.edges:,} edges)"
        parts = [papers, graph]
        if self.neo4j_rows is not None:
            parts.append(f"{self.neo4j_rows:,} rows to Neo4j")
        if self.html is not None:
            parts.append(f"rendered {self.html}")
        parts.extend(self.notes)
        return f"kg update: {'; '.join(parts)} in {time.perf_counter() - self.started:.1f} s"


def _fresh(papers: Iterable[Paper], held: dict[str, str], report: UpdateReport) -> list[Paper]:
    """The papers the graph does not hold with this text, in input order; counts all three kinds
    (a paper listed twice in the run is counted once)."""
    from kg.graph.build import content_hash

    fresh: list[Paper] = []
    seen: set[str] = set()
    for paper in papers:
        first = paper.id not in seen
        seen.add(paper.id)
        old = held.get(paper.id)
        if old is not None and old == content_hash(paper):
            report.unchanged += first
            continue
        if first:
            if old is None:
                report.new += 1
            else:
                report.changed += 1
        fresh.append(paper)
    return fresh


def update_graph(
    graph_path: str | Path,
    papers: Iterable[Paper],
    extract: Extract,
    *,
    on_error: OnError | None = None,
    html: str | Path | None = None,
    neo4j: Settings | None = None,
    report: UpdateReport | None = None,
) -> UpdateReport:
    """Merge ``papers`` into the graph at ``graph_path`` (the caller holds its lock); counts go
    to ``report`` (a new one by default)."""
    from kg.graph.formats import read_graph, write_graph
    from kg.graph.update import GraphUpdate, load_record, seen_papers

    report = report or UpdateReport()
    old = read_graph(graph_path)
    report.nodes = report.nodes_before = old.number_of_nodes()
    report.edges = report.edges_before = old.number_of_edges()
    todo = GraphUpdate(load_record(graph_path, old), on_error)
    fresh = _fresh(papers, seen_papers(old), report)
    graph = old
    if fresh:
        graph = todo.build(extract(todo.new_papers(fresh)))
        if neo4j is not None:  # before the graph is written: a failed load leaves all to the next run
            report.neo4j_rows = _load_delta(old, graph, neo4j)
        write_graph(graph, graph_path)
        todo.save_record(graph_path)
        report.wrote = True
        report.nodes, report.edges = graph.number_of_nodes(), graph.number_of_edges()
    elif neo4j is not None:
        report.neo4j_rows = 0
    if html is not None and (report.wrote or not Path(html).exists()):
        from kg.render.html import render_html

        render_html(graph, html)
        report.html = Path(html)
    return report


def _load_delta(old: nx.MultiDiGraph, new: nx.MultiDiGraph, settings: Settings) -> int:
    from kg.fetch.delta import apply_to_neo4j, graph_delta
    from kg.store.neo4j import connect

    delta = graph_delta(old, new)
    if delta.empty:
        return 0
    driver = connect(settings)
    try:
        return apply_to_neo4j(driver, settings, delta, old)
    finally:
        driver.close()
