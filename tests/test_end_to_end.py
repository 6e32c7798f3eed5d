"""The whole path on the real samples: extract → JSONL valid against the schema → graph."""

from __future__ import annotations

import json
import re

import jsonschema
import networkx as nx
import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from kg.cli import cli
from kg.graph.formats import read_graph, write_graph

GITHUB = re.compile(r"(?:https?://)?(?:www\.)?github\.com/([\w.-]+)(?:/([\w.-]+))?", re.IGNORECASE)


@pytest.fixture(scope="module")
def cli_outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    runner = CliRunner()
    r = runner.invoke(cli, ["extract", str(SAMPLES), "-o", str(out / "extractions.jsonl"), "--workers", "2"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["build", str(out / "extractions.jsonl"), "-o", str(out / "graph.json")])
    assert r.exit_code == 0, r.output
    return out


def test_extract_writes_one_valid_line_per_record(cli_outputs):
    schema = json.loads((ROOT / "schemas" / "extraction.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    lines = (cli_outputs / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 548
    for line in lines:
        record = json.loads(line)
        validator.validate(record)
        paper = record["paper"]
        for e in record["entities"]:
            assert e["type"] in {"Method", "Dataset", "Metric", "Task", "Repository", "Website"}
            for m in e["mentions"]:
                assert paper[m["field"]][m["start"]:m["end"]] == m["text"]


def test_graph_has_545_papers_with_both_sources(cli_outputs):
    g = read_graph(cli_outputs / "graph.json")
    papers = {n: d for n, d in g.nodes(data=True) if d["type"] == "Paper"}
    assert len(papers) == 545
    twice = [d for d in papers.values() if len(d["sources"]) == 2]
    assert len(twice) == 3
    for d in twice:
        files = {s.rsplit(":", 1)[0] for s in d["sources"]}
        assert len(files) == 2


def test_every_github_url_is_a_repository_with_has_code(cli_outputs, sample_papers):
    g = read_graph(cli_outputs / "graph.json")
    expected = set()
    for p in sample_papers:
        for m in GITHUB.finditer(p.abstract.replace("https://", " https://")):
            owner, name = m.group(1), m.group(2)
            key = f"github.com/{owner}/{name.removesuffix('.git')}" if name else f"github.com/{owner}"
            expected.add((p.id, key.rstrip(".").lower()))
    assert len(expected) >= 120
    for pid, key in expected:
        node = f"Repository:{key}"
        assert node in g, key
        assert g.has_edge(f"Paper:{pid}", node, key="HAS_CODE"), (pid, key)


def test_every_node_typed_and_named_every_edge_evidenced(sample_graph):
    for n, d in sample_graph.nodes(data=True):
        assert d["type"] and d["name"], n
    for u, v, k, d in sample_graph.edges(keys=True, data=True):
        assert d["type"] == k and d["papers"] is not None and d["evidence"], (u, v, k)


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf"])
def test_formats_round_trip_and_stats_reads_them(sample_graph, tmp_path, fmt):
    path = tmp_path / f"graph.{fmt}"
    write_graph(sample_graph, path)
    back = read_graph(path)
    assert back.number_of_nodes() == sample_graph.number_of_nodes()
    assert back.number_of_edges() == sample_graph.number_of_edges()
    n = next(n for n, d in sample_graph.nodes(data=True) if d["type"] == "Method")
    assert back.nodes[n]["aliases"] == sample_graph.nodes[n]["aliases"]
    u, v, k = next(iter(sample_graph.edges(keys=True)))
    assert back.edges[u, v, k]["evidence"] == sample_graph.edges[u, v, k]["evidence"]
    r = CliRunner().invoke(cli, ["stats", str(path)])
    assert r.exit_code == 0 and f"Paper" in r.output and "545" in r.output


def test_python_api_mirrors_cli():
    import kg
    (ex,) = kg.extract_papers([{"id": "x1", "title": "MMRL: Multi-Modal Representation Learning for Vision-Language Models",
                         "abstract": "Large-scale pre-trained Vision-Language Models (VLMs) have become essential. "
                                     "We propose a novel Multi-Modal Representation Learning (MMRL) framework. "
                                     "Code: https://github.com/yunncheng/MMRL."}])
    names = {(e.type, e.name) for e in ex.entities}
    assert ("Repository", "yunncheng/MMRL") in names
    assert any(e.type == "Method" and e.proposed and "MMRL" in [e.name, *e.aliases] for e in ex.entities)
    g = kg.build_graph([ex])
    assert isinstance(g, nx.MultiDiGraph) and g.has_edge("Paper:x1", "Repository:github.com/yunncheng/mmrl",
                                                         key="HAS_CODE")


def test_versions_kept_apart_but_linked(sample_graph):
    g = sample_graph
    assert "Dataset:imagenet-1-k" in g and "Dataset:imagenet" in g
    assert g.has_edge("Dataset:imagenet-1-k", "Dataset:imagenet", key="VARIANT_OF")
    assert g.has_edge("Method:resnet-18", "Method:resnet", key="VARIANT_OF")


def test_acronym_and_expansion_are_one_node(sample_graph):
    g = sample_graph
    llm = [n for n, d in g.nodes(data=True) if d["type"] == "Method" and "LLMs" in d["aliases"]]
    assert len(llm) == 1
    aliases = {a.lower() for a in g.nodes[llm[0]]["aliases"]}
    assert {"llms", "large language models"} <= aliases
    assert "Method:llm" not in g


def test_no_generic_method_nodes(sample_graph):
    from kg.resolve.keys import canonical_key
    banned = {canonical_key(x) for x in ("our method", "the model", "existing approaches", "method", "framework")}
    for n, d in sample_graph.nodes(data=True):
        if d["type"] == "Method":
            assert canonical_key(d["name"]) not in banned, n


def test_readme_shows_the_real_stats_of_the_samples(sample_graph):
    from kg.graph.stats import format_stats, stats
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert format_stats(stats(sample_graph)) in readme, "README's kg stats excerpt is stale: paste `kg stats out/graph.json`"
