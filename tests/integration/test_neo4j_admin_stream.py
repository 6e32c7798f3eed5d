"""The CSVs `kg export --format neo4j-admin OUTDIR PARTS…` streams from extraction parts, through
the real `neo4j-admin database import full` into a scratch home, served by a second server on a
free port: it holds every node and relationship of the NetworkX graph of the same parts, with
the properties `kg load` would give them (as kg.store.neo4j.node_rows/relationship_rows say)."""

from __future__ import annotations

import gzip
import shlex

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from kg.cli.store import export
from kg.graph.build import build_graph, read_extractions
from kg.store.neo4j import count_graph, node_rows, relationship_rows, run_query

from .conftest import imported_server

pytestmark = pytest.mark.neo4j

NODES = "MATCH (n) RETURN n.id AS id, properties(n) AS props"
EDGES = "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props"


def plain(props: dict) -> dict:
    return {k: v for k, v in props.items() if v is not None}


def test_streamed_csvs_import_into_neo4j(neo4j_driver, tmp_path):
    from kg.extract.stream import extract_stream
    from kg.read import read_papers

    lines = [x.json for x in extract_stream(read_papers([SAMPLES]), model=None, as_lines=True)]
    parts = []
    for i in range(2):  # as kg extract --cluster writes them
        part = tmp_path / "parts" / f"part-{i:05d}.jsonl.gz"
        part.parent.mkdir(exist_ok=True)
        part.write_bytes(gzip.compress("".join(x + "\n" for x in lines[i::2]).encode()))
        parts.append(part)
    graph = build_graph(ex for p in parts for ex in read_extractions(p))

    result = CliRunner().invoke(export, ["--format", "neo4j-admin", str(tmp_path / "csv"), *map(str, parts)])
    assert result.exit_code == 0, result.output
    command = shlex.split(result.stdout.strip().splitlines()[-1])
    assert command[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]

    with imported_server(tmp_path, command) as (driver, settings):
        labels, types = count_graph(driver, settings)
        nodes = {r["id"]: r["props"] for r in run_query(driver, settings, NODES)[1]}
        edges = {(r["a"], r["t"], r["b"]): r["props"] for r in run_query(driver, settings, EDGES)[1]}

    want_nodes = {row["props"]["id"]: plain(row["props"]) for rows in node_rows(graph).values() for row in rows}
    assert labels == {label: len(rows) for label, rows in node_rows(graph).items()}
    assert nodes == want_nodes  # every property, typed: arrays, numbers, JSON text
    assert types == {t: n for t, n in _per_type(graph).items()}
    assert set(edges) == {(u, d["type"], v) for u, v, d in graph.edges(data=True)}
    for key, props in edges.items():
        assert props == plain(_edge_props(graph, key)), key


def _per_type(graph) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (rel_type, _, _), rows in relationship_rows(graph).items():
        counts[rel_type] = counts.get(rel_type, 0) + len(rows)
    return counts


def _edge_props(graph, key: tuple[str, str, str]) -> dict:
    from kg.store.neo4j import to_property

    u, rel_type, v = key
    return {k: to_property(x) for k, x in graph.edges[u, v, rel_type].items() if k != "type"}
