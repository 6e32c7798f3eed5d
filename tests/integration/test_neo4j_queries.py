"""The named queries and `kg query` against the real Neo4j, on the sample graph of conftest.py."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli.store import query
from kg.store.neo4j import count_graph, load_graph

pytestmark = pytest.mark.neo4j


@pytest.fixture
def loaded(neo4j_db, neo4j_settings, graph):
    load_graph(neo4j_db, graph, neo4j_settings)
    return neo4j_db


def run(*args: str) -> list[dict]:
    result = CliRunner().invoke(query, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("name", ["ImageNet", "imagenet", "ILSVRC", "ilsvrc"])
def test_papers_on_dataset_by_name_or_alias_with_variants(loaded, name):
    rows = run("papers-on-dataset", "--param", f"dataset={name}")
    assert [(r["paper"], sorted(r["datasets"]), sorted(r["via"])) for r in rows] == [
        ("2401.00001", ["ImageNet-1K"], ["EVALUATES_ON", "REPORTS"]),
        ("2401.00002", ["ImageNet"], ["EVALUATES_ON", "REPORTS"]),
    ]


def test_papers_on_unknown_dataset_is_empty(loaded):
    assert run("papers-on-dataset", "--param", "dataset=MNIST") == []


def test_methods_on_benchmark_reports_results(loaded):
    rows = run("Methods_On_Benchmark", "--param", "dataset=imagenet")
    assert [(r["method"], r["metric"], r["value"], r["dataset"], r["paper"]) for r in rows] == [
        ("DeiT-X", "top-1 accuracy", 85.2, "ImageNet", "2401.00002"),
        ("ViT-G", "top-1 accuracy", 90.4, "ImageNet-1K", "2401.00001"),
    ]


def test_top_datasets(loaded):
    rows = run("top-datasets")
    assert [(r["dataset"], r["papers"]) for r in rows] == [("COCO", 1), ("ImageNet", 1), ("ImageNet-1K", 1)]
    assert len(run("top-datasets", "--param", "limit=1")) == 1


def test_papers_without_code(loaded):
    assert [r["paper"] for r in run("no-code")] == ["2401.00002", "2401.00003"]


def test_methods_sharing_tasks(loaded):
    rows = run("methods-sharing-tasks")
    assert {(r["method_a"], r["method_b"], tuple(r["tasks"])) for r in rows} == {
        ("DeiT-X", "ViT-G", ("image classification",)),
        ("DETR-Y", "x}) DETACH DELETE n //", ("object detection",)),
    }
    only = run("methods-sharing-tasks", "--param", "method=vit-g")
    assert [(r["method_a"], r["method_b"]) for r in only] == [("DeiT-X", "ViT-G")]


def test_paper_neighbourhood(loaded, graph):
    rows = run("paper-neighborhood", "--param", "paper=2401.00003")
    got = {(r["relation"], r["direction"], r["key"]) for r in rows}
    want = {(k, "out", graph.nodes[v]["key"]) for _, v, k in graph.out_edges("Paper:2401.00003", keys=True)}
    assert got == want and len(rows) == len(want)


def test_raw_cypher_with_params_and_formats(loaded):
    args = ["MATCH (m:Method) WHERE m.key IN $keys RETURN m.name AS name ORDER BY name",
            "--param", 'keys=["vit-g", "deit-x"]']
    assert run(*args) == [{"name": "DeiT-X"}, {"name": "ViT-G"}]
    csv_out = CliRunner().invoke(query, [*args, "--format", "csv"])
    assert csv_out.output.splitlines() == ["name", "DeiT-X", "ViT-G"]
    table = CliRunner().invoke(query, args)
    assert table.output.splitlines()[0].strip() == "name" and "(2 rows)" in table.output


def test_queries_are_read_only_unless_write(loaded, neo4j_settings):
    before = count_graph(loaded, neo4j_settings)
    refused = CliRunner().invoke(query, ["MATCH (n) DETACH DELETE n"])
    assert refused.exit_code == 1
    assert "--write" in refused.output and "Traceback" not in refused.output
    assert count_graph(loaded, neo4j_settings) == before
    allowed = CliRunner().invoke(query, ["CREATE (:Sentinel {name: 'w'})", "--write"])
    assert allowed.exit_code == 0, allowed.output
    assert count_graph(loaded, neo4j_settings)[0]["Sentinel"] == 1


def test_missing_parameter_is_a_usage_error(loaded):
    result = CliRunner().invoke(query, ["papers-on-dataset"])
    assert result.exit_code == 2 and "--param dataset=" in result.output
