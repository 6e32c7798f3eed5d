"""Leaderboards from the results in a graph: what Papers with Code users came for.

A *benchmark* is a (dataset family, metric) pair with at least one absolute result on it. A
dataset's variants (ImageNet-1K, ImageNet 256×256: ``VARIANT_OF`` edges, kg/resolve/variants.py)
are grouped under their family, the variant kept in each row; ``exact=True`` keeps the one
dataset named. Absolute results are ranked by the metric's direction (kg/data/metric_directions.json);
a metric of unknown direction is listed highest first without ranks. Relative results ("+2.1
points", "3× faster") are listed apart and never ranked against absolute ones.

Names are matched by the one rule of :mod:`kg.graph.lookup` (id, key, name or alias, any case,
or the canonical key of another spelling, so hyphens and case do not matter); a name nothing
answers to is an :class:`UnknownName` naming the closest names (kg.graph.lookup).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

from kg.analysis.directions import Better, better_direction
from kg.errors import InputError
from kg.graph.lookup import NodeNotFound, answers_to, closest_hint, find_nodes, fold

__all__ = [
    "Benchmark",
    "Leaderboard",
    "UnknownName",
    "benchmarks",
    "family_boards",
    "family_roots",
    "find_typed",
    "leaderboard_rows",
    "leaderboards",
    "paper_code",
    "result_row",
]

VARIANT_DEPTH = 3  # as the named Cypher queries follow VARIANT_OF*0..3


class UnknownName(InputError):
    """No node of the wanted type answers to a name; the message lists the closest names."""

    def __init__(self, option: str, kind: str, query: str, close: list[str]):
        self.query, self.close = query, close
        super().__init__(option, None, f"no {kind} named {query!r} in the graph{closest_hint(close)}")


@dataclass
class Benchmark:
    dataset: str  # the family's name
    dataset_id: str
    metric: str
    results: int
    papers: int
    variants: list[str]
    better: Better | None


@dataclass
class Leaderboard:
    """One table: the absolute results of one metric on a dataset family (or one variant)."""

    dataset: str
    dataset_id: str
    metric: str
    better: Better | None
    exact: bool
    variants: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)  # ranked absolute results
    relative: list[dict[str, Any]] = field(default_factory=list)  # listed apart, never ranked

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _typed(g: nx.MultiDiGraph, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    return ((n, a) for n, a in g.nodes(data=True) if a.get("type") == kind)


def find_typed(g: nx.MultiDiGraph, kind: str, query: str, option: str) -> list[str]:
    """Every ``kind`` node answering to ``query``, sorted; UnknownName when none does."""
    try:
        return find_nodes(g, query, kind)
    except NodeNotFound as err:
        raise UnknownName(option, kind.lower(), query, err.close) from None


def _out(g: nx.MultiDiGraph, n: str, rel: str) -> list[str]:
    return sorted(v for _, v, k in g.out_edges(n, keys=True) if k == rel)


def _in(g: nx.MultiDiGraph, n: str, rel: str) -> list[str]:
    return sorted(u for u, _, k in g.in_edges(n, keys=True) if k == rel)


def family_roots(g: nx.MultiDiGraph, n: str) -> list[str]:
    """The top of ``n``'s VARIANT_OF chains (``n`` itself when it is no variant)."""
    roots, frontier = set(), {n}
    for _ in range(VARIANT_DEPTH + 1):
        nxt = set()
        for m in frontier:
            up = _out(g, m, "VARIANT_OF")
            if up:
                nxt.update(up)
            else:
                roots.add(m)
        frontier = nxt
    return sorted(roots | frontier)


def _members(g: nx.MultiDiGraph, root: str) -> set[str]:
    found, frontier = {root}, {root}
    for _ in range(VARIANT_DEPTH):
        frontier = {u for v in frontier for u in _in(g, v, "VARIANT_OF")}
        found |= frontier
    return found


def _name(g: nx.MultiDiGraph, n: str | None) -> str | None:
    return None if n is None else str(g.nodes[n].get("name") or n)


def _evidence(g: nx.MultiDiGraph, paper: str | None, result: str) -> str | None:
    if paper is None or not g.has_edge(paper, result, key="REPORTS"):
        return None
    ev = g.edges[paper, result, "REPORTS"].get("evidence") or []
    return str(ev[0].get("sentence")) if ev and isinstance(ev[0], dict) else None


def paper_code(g: nx.MultiDiGraph, paper: str | None) -> str | None:
    """The paper's code: the first repository it links (by URL), else the code URL its source gave."""
    if paper is None:
        return None
    urls = sorted(str(g.nodes[r].get("url")) for r in _out(g, paper, "HAS_CODE") if g.nodes[r].get("url"))
    return urls[0] if urls else g.nodes[paper].get("code_url")


def result_row(g: nx.MultiDiGraph, result: str, dataset: str | None = None) -> dict[str, Any]:
    """One result as a leaderboard row (rank added by the table)."""
    a = g.nodes[result]
    papers = _in(g, result, "REPORTS")
    paper = papers[0] if papers else None
    p = g.nodes[paper] if paper else {}
    metrics = _out(g, result, "OF_METRIC")
    methods = _out(g, result, "BY_METHOD")
    if dataset is None:
        datasets = _out(g, result, "ON_DATASET")
        dataset = datasets[0] if datasets else None
    return {
        "rank": None,
        "method": _name(g, methods[0]) if methods else None,
        "value": a.get("value"),
        "value_text": a.get("value_text"),
        "unit": a.get("unit"),
        "kind": a.get("kind"),
        "direction": a.get("direction"),
        "metric": _name(g, metrics[0]) if metrics else a.get("metric_name"),
        "dataset": _name(g, dataset),
        "paper": p.get("key", a.get("paper")),
        "title": p.get("title"),
        "url": p.get("url"),
        "date": p.get("date"),
        "code": paper_code(g, paper),
        "evidence": _evidence(g, paper, result),
        "result": result,
        "paper_id": paper,
        "method_id": methods[0] if methods else None,
        "metric_id": metrics[0] if metrics else None,
        "dataset_id": dataset,
    }


def _absolute_results(g: nx.MultiDiGraph) -> Iterator[tuple[str, str, str]]:
    """(result, dataset, metric) for every absolute result on a dataset."""
    for r, a in _typed(g, "Result"):
        if a.get("kind") != "absolute":
            continue
        metrics = _out(g, r, "OF_METRIC")
        for d in _out(g, r, "ON_DATASET"):
            if metrics:
                yield r, d, metrics[0]


def benchmarks(g: nx.MultiDiGraph) -> list[Benchmark]:
    """Every (dataset family, metric) with an absolute result, most results first."""
    results: dict[tuple[str, str], set[str]] = defaultdict(set)
    variants: dict[tuple[str, str], set[str]] = defaultdict(set)
    papers: dict[tuple[str, str], set[str]] = defaultdict(set)
    roots: dict[str, list[str]] = {}
    for r, d, m in _absolute_results(g):
        for root in roots.setdefault(d, family_roots(g, d)):
            results[root, m].add(r)
            papers[root, m].add(str(g.nodes[r].get("paper")))
            if d != root:
                variants[root, m].add(str(_name(g, d)))
    out = [
        Benchmark(
            dataset=str(_name(g, root)),
            dataset_id=root,
            metric=str(_name(g, m)),
            results=len(rs),
            papers=len(papers[root, m]),
            variants=sorted(variants[root, m]),
            better=better_direction(str(_name(g, m))),
        )
        for (root, m), rs in results.items()
    ]
    return sorted(out, key=lambda b: (-b.results, fold(b.dataset), fold(b.metric), b.dataset_id))


def _rank(rows: list[dict[str, Any]], better: Better | None) -> list[dict[str, Any]]:
    """Sorted best first; equal values share a rank (1, 2, 2, 4). Unknown direction: no ranks."""

    def value(r: dict[str, Any]) -> float:
        v = r.get("value")
        return float(v) if isinstance(v, (int, float)) else float("nan")

    def key(r: dict[str, Any]) -> tuple:
        v = value(r)
        missing = math.isnan(v)  # a value the graph lacks sorts last
        v = 0.0 if missing else v
        return (missing, v if better == "lower" else -v, str(r.get("date") or "~"), str(r.get("paper")), r["result"])

    rows = sorted(rows, key=key)
    if better is not None:
        previous = None
        for i, r in enumerate(rows, start=1):
            r["rank"] = previous["rank"] if previous and value(previous) == value(r) else i
            previous = r
    return rows


def _task_papers(g: nx.MultiDiGraph, task: str) -> set[str]:
    tasks = set(find_typed(g, "Task", task, "--task"))
    return {u for t in tasks for u in _in(g, t, "ADDRESSES")}


def _metric_matches(g: nx.MultiDiGraph, result: str, metric: str) -> bool:
    ms = _out(g, result, "OF_METRIC")
    return any(answers_to(m, g.nodes[m], metric) for m in ms) or fold(g.nodes[result].get("metric_name", "")) == fold(
        metric
    )


def leaderboards(
    g: nx.MultiDiGraph,
    dataset: str,
    metric: str | None = None,
    task: str | None = None,
    *,
    exact: bool = False,
) -> list[Leaderboard]:
    """The tables for a dataset (its family unless ``exact``), one per metric, most results first.

    ``metric`` keeps one metric; ``task`` keeps results whose paper addresses that task.
    """
    named = find_typed(g, "Dataset", dataset, "--dataset")
    roots = named if exact else sorted({r for n in named for r in family_roots(g, n)})
    keep_papers = _task_papers(g, task) if task else None
    boards = [b for root in roots for b in family_boards(g, root, metric, keep_papers, exact=exact)]
    if metric and not boards:
        on = sorted({b.metric for b in leaderboards(g, dataset, task=task, exact=exact)})
        raise UnknownName("--metric", "metric with results on this dataset", metric, on[:8])
    return boards


def family_boards(
    g: nx.MultiDiGraph,
    root: str,
    metric: str | None = None,
    keep_papers: set[str] | None = None,
    *,
    exact: bool = False,
) -> list[Leaderboard]:
    """The tables of one dataset node (with its variants unless ``exact``), one per metric."""
    members = {root} if exact else _members(g, root)
    by_metric: dict[str, list[dict[str, Any]]] = defaultdict(list)
    relative: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in sorted(members):
        for r in _in(g, d, "ON_DATASET"):
            if g.nodes[r].get("type") != "Result" or (metric and not _metric_matches(g, r, metric)):
                continue
            if keep_papers is not None and not set(_in(g, r, "REPORTS")) & keep_papers:
                continue
            row = result_row(g, r, d)
            (by_metric if row["kind"] == "absolute" else relative)[str(row["metric"])].append(row)
    boards = []
    for m in sorted(set(by_metric) | set(relative), key=lambda m: (-len(by_metric.get(m, [])), fold(m))):
        better = better_direction(m)
        rows = by_metric.get(m, [])
        boards.append(
            Leaderboard(
                dataset=str(_name(g, root)),
                dataset_id=root,
                metric=m,
                better=better,
                exact=exact,
                variants=sorted({str(r["dataset"]) for r in rows} - {_name(g, root)}),
                rows=_rank(rows, better),
                relative=sorted(relative.get(m, []), key=lambda r: (str(r["paper"]), r["result"])),
            )
        )
    return boards


def leaderboard_rows(boards: Iterable[Leaderboard]) -> list[dict[str, Any]]:
    """Every row of the tables: each board's ranked rows, then its relative results."""
    return [row for b in boards for row in (*b.rows, *b.relative)]
