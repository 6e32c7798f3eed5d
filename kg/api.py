"""The Python API, mirroring the CLI: extract → build_graph → render / write_graph / load."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import networkx as nx

from kg.extract.assemble import DEFAULT_MIN_CONFIDENCE
from kg.extract.stream import extract_stream
from kg.graph.build import build_graph as _build_graph
from kg.model import Extraction, Paper
from kg.read.ids import title_id


def as_paper(item: Any, n: int = 0) -> Paper:
    """A Paper from a Paper, a dict record ({"title", "abstract", …}) or a bare abstract string."""
    if isinstance(item, Paper):
        return item
    if isinstance(item, str):
        # "Title\nAbstract…" or just an abstract
        head, sep, rest = item.strip().partition("\n")
        title, abstract = (head.strip(), rest.strip()) if sep else ("", head)
        return Paper(id=title_id(item), title=title, abstract=abstract)
    if isinstance(item, dict):
        from kg.read.jsonl import to_paper

        return to_paper(item, "<python>", n + 1)
    raise TypeError(f"cannot read a paper from {type(item).__name__}")


def extract(
    items: Iterable[Any] | str, *, model: Any = "default", min_confidence: float | None = None, workers: int = 1
) -> list[Extraction]:
    """Extract entities, relations and results from texts, dicts or Paper records."""
    if isinstance(items, (str, dict, Paper)):
        items = [items]
    papers = (as_paper(x, i) for i, x in enumerate(items))
    return list(
        _extractions(
            papers,
            model=model,
            workers=workers,
            min_confidence=DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence,
        )
    )


def _extractions(papers: Iterable[Paper], **kwargs: Any) -> Iterator[Extraction]:
    """``extract_stream`` without ``as_lines``: Extractions. (Its return type does not follow
    ``as_lines``; the cast goes once it is overloaded on it — mypy then reports it redundant.)"""
    return cast(Iterator[Extraction], extract_stream(papers, **kwargs))


def build_graph(source: Iterable[Any] | str | Path, **kwargs: Any) -> nx.MultiDiGraph:
    """A graph from Extractions, from records/texts (extracted first), or from input paths."""
    if isinstance(source, (str, Path)) and Path(source).exists():
        from kg.read import read_papers

        return _build_graph(_extractions(read_papers([source]), **kwargs))
    if isinstance(source, Path):  # a str that names no file is a text; a Path must exist
        raise FileNotFoundError(f"no such file or directory: {source}")
    items: list[Any] = [source] if isinstance(source, (str, dict)) else list(source)
    if items and all(isinstance(x, Extraction) for x in items):
        return _build_graph(items)
    return _build_graph(extract(items, **kwargs))


def render(graph: nx.MultiDiGraph | str | Path, path: str | Path, **options: Any):
    """Write the HTML page for a graph (or a graph file); options as ``kg render``."""
    from kg.graph.formats import read_graph
    from kg.render.html import render_html

    g = read_graph(graph) if isinstance(graph, (str, Path)) else graph
    return render_html(g, path, **options)


def _graph(graph: nx.MultiDiGraph | str | Path) -> nx.MultiDiGraph:
    from kg.graph.formats import read_source

    return read_source(graph) if isinstance(graph, (str, Path)) else graph


def leaderboard(
    graph: nx.MultiDiGraph | str | Path,
    dataset: str,
    metric: str | None = None,
    *,
    task: str | None = None,
    exact: bool = False,
) -> list[dict[str, Any]]:
    """The rows of ``kg leaderboard GRAPH --dataset … [--metric …]``: per metric, the ranked
    absolute results (``rank`` 1, 2, …; None where the metric's direction is unknown), then the
    relative ones (``kind`` "relative", never ranked). Each row names its metric, method, value,
    unit, dataset variant, paper (key, title, url, date), code link and evidence sentence."""
    from kg.analysis.leaderboard import leaderboard_rows, leaderboards

    return leaderboard_rows(leaderboards(_graph(graph), dataset, metric, task, exact=exact))


def trends(
    graph: nx.MultiDiGraph | str | Path,
    entity_type: str = "Method",
    *,
    by: str = "month",
    top: int = 10,
    min_papers: int = 3,
):
    """``kg trends``: papers per period and the rising entities, as a ``TrendReport``."""
    from kg.analysis.trends import compute_trends

    return compute_trends(_graph(graph), entity_type, by=by, top=top, min_papers=min_papers)
