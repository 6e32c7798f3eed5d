"""Batched UNWIND/MERGE loading against one-row-per-transaction MERGE, on the same server and run.

    NEO4J_PASSWORD=… .venv/bin/python -m kg.bench.neo4j_load --yes [--graph out/graph.json] [--copies 20]

The graph (default out/graph.json, else built from examples/hf-papers) is resampled ``--copies``
times with suffixed keys. The batched loader (kg.store.neo4j.load_graph) loads every copy; the
naive loader, being ~100× slower, loads ``--naive-copies`` of them into an empty database with
the same constraints. Both rates are rows (nodes + relationships) per second.

It WIPES the target database before each run and at the end, hence --yes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import networkx as nx

from kg.bench.common import ROOT, SAMPLES
from kg.store.neo4j import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_DATABASE,
    DEFAULT_URI,
    DEFAULT_USER,
    Settings,
    apply_constraints,
    connect,
    count_graph,
    load_graph,
    node_rows,
    relationship_rows,
    wipe,
)


def sample_graph(path: Path | None) -> nx.MultiDiGraph:
    """The samples graph: a graph file if there is one, else the examples through the pipeline."""
    if path is not None and path.exists():
        from kg.graph.formats import read_graph

        return read_graph(path)
    from kg.extract.run import Extractor
    from kg.graph.build import build_graph
    from kg.read import read_papers

    extractions = Extractor("default").extract(read_papers(sorted(SAMPLES.glob("*.txt"))))
    return build_graph(extractions)


def resample(graph: nx.MultiDiGraph, copies: int) -> nx.MultiDiGraph:
    """``copies`` disjoint copies of ``graph``; copy i has keys ending in ``~i``."""
    out = nx.MultiDiGraph()
    for i in range(copies):
        for n, attrs in graph.nodes(data=True):
            out.add_node(f"{n}~{i}", **{**attrs, "key": f"{attrs.get('key', n.partition(':')[2])}~{i}"})
        for u, v, k, attrs in graph.edges(keys=True, data=True):
            out.add_edge(f"{u}~{i}", f"{v}~{i}", key=k, **attrs)
    return out


def naive_load(driver, graph: nx.MultiDiGraph, settings: Settings) -> int:
    """One managed transaction per node and per relationship: what batching replaces."""
    rows = 0
    for label, node_list in node_rows(graph).items():
        query = f"MERGE (n:{label} {{key: $key}}) SET n += $props"
        for row in node_list:
            driver.execute_query(query, key=row["key"], props=row["props"], database_=settings.database)
            rows += 1
    for (rel_type, head, tail), rel_list in relationship_rows(graph).items():
        query = (
            f"MATCH (a:{head} {{key: $head}}) MATCH (b:{tail} {{key: $tail}}) "
            f"MERGE (a)-[r:{rel_type}]->(b) SET r += $props"
        )
        for row in rel_list:
            driver.execute_query(
                query, head=row["head"], tail=row["tail"], props=row["props"], database_=settings.database
            )
            rows += 1
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "out" / "graph.json")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--naive-copies", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--uri", default=os.environ.get("NEO4J_URI", DEFAULT_URI))
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--yes", action="store_true", help="agree to wiping the database")
    args = parser.parse_args(argv)
    if not args.yes:
        parser.error(f"this wipes database {args.database!r} at {args.uri}; pass --yes")

    settings = Settings(
        uri=args.uri,
        user=os.environ.get("NEO4J_USER", DEFAULT_USER),
        password=os.environ.get("NEO4J_PASSWORD", "paper-kg-local"),
        database=args.database,
    )
    base = sample_graph(args.graph)
    big = resample(base, args.copies)
    small = resample(base, args.naive_copies)
    print(
        f"samples graph: {base.number_of_nodes()} nodes, {base.number_of_edges()} edges; "
        f"x{args.copies}: {big.number_of_nodes()} nodes, {big.number_of_edges()} edges"
    )

    driver = connect(settings)
    try:
        # Warm-up: a fresh JVM compiles the query paths during the first thousands of rows, which
        # would be charged to whichever loader happened to run first.
        wipe(driver, settings)
        load_graph(driver, resample(base, 2), settings, batch_size=args.batch_size)
        wipe(driver, settings)
        naive_load(driver, small.subgraph(list(small)[:500]).copy(), settings)

        wipe(driver, settings)
        apply_constraints(driver, settings)
        started = time.perf_counter()
        report = load_graph(driver, big, settings, batch_size=args.batch_size)
        batched_s = time.perf_counter() - started
        labels, types = count_graph(driver, settings)
        assert sum(labels.values()) == big.number_of_nodes() and sum(types.values()) == big.number_of_edges()
        batched_rate = report.rows / batched_s

        wipe(driver, settings)
        apply_constraints(driver, settings)
        started = time.perf_counter()
        naive_rows = naive_load(driver, small, settings)
        naive_s = time.perf_counter() - started
        naive_rate = naive_rows / naive_s
        wipe(driver, settings)
    finally:
        driver.close()

    print(
        f"batched (UNWIND, {args.batch_size} rows/tx): {report.rows} rows in {batched_s:.1f}s = "
        f"{batched_rate:,.0f} rows/s"
    )
    print(f"naive (1 row/tx): {naive_rows} rows in {naive_s:.1f}s = {naive_rate:,.0f} rows/s")
    print(f"ratio: {batched_rate / naive_rate:.1f}x (target >= 20x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
