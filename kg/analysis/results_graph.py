"""The part of a graph that leaderboards read, kept beside a graph file so that ``kg leaderboard``
answers without reading the whole graph again.

A 100,000-paper graph is a 630 MB JSON file that takes about a minute to read; its leaderboards
need only the results on a dataset and what they point at: their papers (without abstracts), methods,
metrics, datasets, the papers' code, the dataset variant families, and the Task names and
ADDRESSES edges for ``--task``. ``kg leaderboard GRAPH`` keeps that subgraph in
``GRAPH.results.json`` the first time and reads it while the graph file keeps the size and
modification time it had then (``kg build`` and ``kg update`` replace the file, so a rebuilt
graph is read afresh). Everything in kg.analysis.leaderboard gives the same answers on the
subgraph as on the graph (a test compares them).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.errors import KgError

RESULTS_SUFFIX = ".results.json"
# Kinds of node kept whole for name lookups and "closest names"; the rest only when a result
# reaches them.
_NAMED = ("Dataset", "Metric", "Task")
_RESULT_EDGES = ("OF_METRIC", "ON_DATASET", "BY_METHOD")
# What no leaderboard reads and a big graph is full of: per-entity paper lists (ImageNet's holds
# thousands of ids), abstracts, every edge's evidence but a result's own sentence.
_NODE_DROP = frozenset({"abstract", "authors", "sources", "papers", "proposed_by"})
_EDGE_DROP = frozenset({"papers", "evidence"})


def results_subgraph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Results, what they point at, and the named entities a leaderboard looks names up in."""
    sub = nx.MultiDiGraph(**g.graph)
    keep = {n for n, a in g.nodes(data=True) if a.get("type") in _NAMED}
    # a leaderboard reaches results from their datasets: those on none are never listed
    results = {u for d in keep for u, _, k in g.in_edges(d, keys=True) if k == "ON_DATASET"}
    keep |= results
    papers: set[str] = set()
    edges: list[tuple[str, str, str]] = []
    for r in results:
        for u, _, k in g.in_edges(r, keys=True):
            if k == "REPORTS":
                papers.add(u)
                edges.append((u, r, k))
        edges.extend((r, v, k) for _, v, k in g.out_edges(r, keys=True) if k in _RESULT_EDGES)
    for p in papers:
        edges.extend((p, v, k) for _, v, k in g.out_edges(p, keys=True) if k in ("HAS_CODE", "ADDRESSES"))
    for d in (n for n in keep if g.nodes[n].get("type") == "Dataset"):
        edges.extend((d, v, k) for _, v, k in g.out_edges(d, keys=True) if k == "VARIANT_OF")
    nodes = keep | papers | {v for _, v, _ in edges}
    for n in g.nodes:  # graph order, so the subgraph lists like the graph
        if n in nodes:
            sub.add_node(n, **{k: v for k, v in g.nodes[n].items() if k not in _NODE_DROP})
    for u, v, k in edges:
        d = g.edges[u, v, k]
        if k == "REPORTS":  # the evidence sentence a row shows
            sub.add_edge(u, v, key=k, **{**d, "evidence": d.get("evidence", [])[:1]})
        else:
            sub.add_edge(u, v, key=k, **{a: x for a, x in d.items() if a not in _EDGE_DROP})
    return sub


def _stamp(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def results_path(graph_path: Path) -> Path:
    return graph_path.with_name(graph_path.name + RESULTS_SUFFIX)


def read_for_leaderboard(graph: str | Path) -> nx.MultiDiGraph:
    """The results subgraph of a graph file: from ``GRAPH.results.json`` while it matches the
    graph file, else read from the graph and kept there for the next call (where the directory
    is writable; else just returned). Extraction JSONL and streams are read whole each time."""
    from kg.graph.formats import is_extraction_file, read_graph, read_source, write_graph

    path = Path(graph)
    if not path.is_file() or path.suffix.lower() in (".jsonl", ".ndjson") or is_extraction_file(path):
        return read_source(path)
    kept, stamp = results_path(path), _stamp(path)
    if kept.is_file():
        try:
            sub = read_graph(kept, "json")
            if sub.graph.get("kg_results_of") == stamp:
                return sub
        except (OSError, KgError):
            pass  # unreadable, or another version's: made again below
    sub = results_subgraph(read_source(path))
    sub.graph["kg_results_of"] = stamp
    try:
        write_graph(sub, kept, "json")
    except (OSError, KgError):
        pass  # a read-only directory: answer without keeping it
    return sub
