"""Loading graphs into the real Neo4j: counts, idempotence, properties, hostile names, the CLI."""

from __future__ import annotations

import json
from collections import Counter

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli.store import load
from kg.store.neo4j import count_graph, load_graph, run_query

pytestmark = pytest.mark.neo4j


def expected_counts(graph: nx.MultiDiGraph) -> tuple[dict[str, int], dict[str, int]]:
    labels = Counter(attrs["type"] for _, attrs in graph.nodes(data=True))
    types = Counter(key for _, _, key in graph.edges(keys=True))
    return dict(labels), dict(types)


def test_counts_per_label_and_type_equal_the_graph(neo4j_db, neo4j_settings, graph):
    report = load_graph(neo4j_db, graph, neo4j_settings)
    assert count_graph(neo4j_db, neo4j_settings) == expected_counts(graph)
    assert report.rows == graph.number_of_nodes() + graph.number_of_edges()


def test_loading_twice_changes_nothing(neo4j_db, neo4j_settings, graph):
    load_graph(neo4j_db, graph, neo4j_settings)
    snapshot = "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p ORDER BY a, t, b"
    first = count_graph(neo4j_db, neo4j_settings), run_query(neo4j_db, neo4j_settings, snapshot)
    load_graph(neo4j_db, graph, neo4j_settings, batch_size=3)  # other batch boundaries, same result
    assert (count_graph(neo4j_db, neo4j_settings), run_query(neo4j_db, neo4j_settings, snapshot)) == first


def test_properties_round_trip(neo4j_db, neo4j_settings, graph):
    load_graph(neo4j_db, graph, neo4j_settings)
    _, rows = run_query(neo4j_db, neo4j_settings,
                        "MATCH (d:Dataset {key: 'imagenet'}) RETURN d AS d")
    node = rows[0]["d"]
    assert node["labels"] == ["Dataset"]
    assert node["aliases"] == ["ILSVRC", "ImageNet-2012"]
    assert node["id"] == "Dataset:imagenet" and node["name"] == "ImageNet"
    _, rows = run_query(neo4j_db, neo4j_settings,
                        "MATCH (:Paper {key: '2401.00001'})-[r:PROPOSES]->(:Method {key: 'vit-g'}) "
                        "RETURN r.evidence AS evidence, r.support AS support, r.papers AS papers")
    edge = graph.edges["Paper:2401.00001", "Method:vit-g", "PROPOSES"]
    assert json.loads(rows[0]["evidence"]) == edge["evidence"]
    assert rows[0]["support"] == 1 and rows[0]["papers"] == ["Paper:2401.00001"]


def test_cypher_in_names_is_stored_as_data(neo4j_db, neo4j_settings, graph):
    run_query(neo4j_db, neo4j_settings, "CREATE (:Sentinel {name: 'keep me'})", write=True)
    load_graph(neo4j_db, graph, neo4j_settings)
    labels, types = count_graph(neo4j_db, neo4j_settings)
    want_labels, want_types = expected_counts(graph)
    assert labels == {**want_labels, "Sentinel": 1}
    assert types == want_types
    _, rows = run_query(neo4j_db, neo4j_settings,
                        "MATCH (m:Method) WHERE m.key STARTS WITH 'x}' RETURN m.name AS name, m.aliases AS aliases")
    assert rows == [{"name": "x}) DETACH DELETE n //", "aliases": ["') MATCH (m) DETACH DELETE m //"]}]


def test_cli_load_graph_file_twice(neo4j_db, neo4j_settings, graph, tmp_path):
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(nx.node_link_data(graph, edges="edges")), encoding="utf-8")
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(load, [str(path), "--batch-size", "5"])
        assert result.exit_code == 0, result.output
        assert f"loaded {graph.number_of_nodes()} nodes and {graph.number_of_edges()} relationships" in result.output
        assert count_graph(neo4j_db, neo4j_settings) == expected_counts(graph)


def test_cli_wipe_asks_and_refusal_keeps_data(neo4j_db, neo4j_settings, graph, tmp_path):
    run_query(neo4j_db, neo4j_settings, "CREATE (:Sentinel {name: 'keep me'})", write=True)
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(nx.node_link_data(graph, edges="edges")), encoding="utf-8")
    refused = CliRunner().invoke(load, [str(path), "--wipe"], input="n\n")
    assert refused.exit_code != 0
    assert count_graph(neo4j_db, neo4j_settings) == ({"Sentinel": 1}, {})
    wiped = CliRunner().invoke(load, [str(path), "--wipe", "--yes"])
    assert wiped.exit_code == 0, wiped.output
    assert count_graph(neo4j_db, neo4j_settings) == expected_counts(graph)


def test_reload_drops_values_the_graph_dropped(neo4j_db, neo4j_settings, graph):
    load_graph(neo4j_db, graph, neo4j_settings)
    graph.nodes["Dataset:imagenet"]["aliases"] = []
    graph.nodes["Dataset:imagenet"]["name"] = "ImageNet (ILSVRC)"
    load_graph(neo4j_db, graph, neo4j_settings)
    _, rows = run_query(neo4j_db, neo4j_settings,
                        "MATCH (d:Dataset {key: 'imagenet'}) RETURN d.name AS name, d.aliases AS aliases")
    assert rows == [{"name": "ImageNet (ILSVRC)", "aliases": None}]


def test_cli_load_extraction_jsonl(neo4j_db, neo4j_settings, tmp_path):
    from kg.graph.build import build_graph, read_extractions
    from kg.model import Entity, Evidence, Extraction, Paper, Relation

    abstract = "We propose FooNet and evaluate it on ImageNet."
    evidence = Evidence(field="abstract", sentence=abstract, sentence_start=0, head=None, tail=(12, 18),
                        extractor="test", confidence=0.9)
    record = Extraction(
        paper=Paper(id="2401.09999", title="FooNet", abstract=abstract),
        entities=[Entity(id="Method:foonet", type="Method", name="FooNet", key="foonet", confidence=0.9),
                  Entity(id="Dataset:imagenet", type="Dataset", name="ImageNet", key="imagenet", confidence=0.9)],
        relations=[Relation(type="PROPOSES", head="Paper:2401.09999", tail="Method:foonet", evidence=evidence),
                   Relation(type="EVALUATES_ON", head="Paper:2401.09999", tail="Dataset:imagenet",
                            evidence=evidence.model_copy(update={"tail": (37, 45)}))],
    )
    path = tmp_path / "extractions.jsonl"
    path.write_text(record.model_dump_json() + "\n", encoding="utf-8")
    result = CliRunner().invoke(load, [str(path)])
    assert result.exit_code == 0, result.output
    assert count_graph(neo4j_db, neo4j_settings) == expected_counts(build_graph(read_extractions(path)))
    assert count_graph(neo4j_db, neo4j_settings) == ({"Paper": 1, "Method": 1, "Dataset": 1},
                                                     {"PROPOSES": 1, "EVALUATES_ON": 1})
