"""The named queries ``leaderboard`` and ``benchmarks`` in the real Neo4j return the rows
``kg leaderboard`` computes from the NetworkX graph: on the samples graph (default pipeline), for
every benchmark's family and every variant alone (exact=true), and on the small conftest graph."""

from __future__ import annotations

import json
from collections import Counter

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.analysis.leaderboard import benchmarks, leaderboards
from kg.cli import cli
from kg.store.neo4j import load_graph

from .conftest import NEO4J_PASSWORD, NEO4J_URI

pytestmark = pytest.mark.neo4j

ENV = {"NEO4J_PASSWORD": NEO4J_PASSWORD, "NEO4J_URI": NEO4J_URI}


def query(name: str, **params: str) -> list[dict]:
    args = ["query", name, "--format", "json"]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    result = CliRunner().invoke(cli, args, env=ENV)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def nx_rows(g: nx.MultiDiGraph, dataset: str, metric: str | None = None, exact: bool = False) -> Counter:
    rows: Counter = Counter()
    for b in leaderboards(g, dataset, metric, exact=exact):
        for r in b.rows:
            rows[(b.dataset, r["metric"], r["method"], r["value"], r["value_text"], r["unit"], r["dataset"],
                  r["paper"], r["title"], r["url"], r["date"], r["code"], r["evidence"])] += 1
    return rows


def neo_rows(rows: list[dict]) -> Counter:
    out: Counter = Counter()
    for r in rows:
        evidence = json.loads(r["evidence"])[0]["sentence"] if r["evidence"] else None
        out[(r["family"], r["metric"], r["method"], r["value"], r["value_text"], r["unit"], r["dataset"],
             r["paper"], r["title"], r["url"], r["date"], r["code"], evidence)] += 1
    return out


def nx_benchmarks(g: nx.MultiDiGraph) -> list[tuple]:
    return [(b.dataset, b.metric, b.results, b.papers, sorted(b.variants)) for b in benchmarks(g)]


def neo_benchmarks() -> list[tuple]:
    return [(r["dataset"], r["metric"], r["results"], r["papers"], sorted(r["variants"])) for r in query("benchmarks")]


def test_samples_benchmarks_and_every_leaderboard_equal_the_networkx_rows(samples_db, sample_graph):
    want = nx_benchmarks(sample_graph)
    assert want and want[0][2] >= 2  # the samples have a benchmark with several results (FID on ImageNet)
    got = neo_benchmarks()
    assert sorted(got) == sorted(want)
    assert [r[2] for r in got] == [r[2] for r in want]  # most results first
    checked = 0
    for b in benchmarks(sample_graph):
        for name, exact in [(b.dataset, False), *((v, True) for v in b.variants)]:
            flag = "true" if exact else "false"
            assert neo_rows(query("leaderboard", dataset=name, metric=b.metric, exact=flag)) == nx_rows(
                sample_graph, name, b.metric, exact), (name, b.metric, exact)
            checked += 1
        # without a metric: every absolute result on the family
        assert neo_rows(query("leaderboard", dataset=b.dataset)) == nx_rows(sample_graph, b.dataset)
    assert checked >= len(want)


def test_small_graph_by_alias_variant_and_metric_spelling(neo4j_db, neo4j_settings, graph):
    load_graph(neo4j_db, graph, neo4j_settings)
    for name in ("ILSVRC", "imagenet", "ImageNet-1K"):  # an alias, any case, a variant: the family
        rows = query("leaderboard", dataset=name, metric="Top-1 Accuracy")
        assert neo_rows(rows) == nx_rows(graph, name, "Top-1 Accuracy")
        assert [(r["method"], r["value"], r["dataset"], r["code"]) for r in rows] == [
            ("ViT-G", 90.4, "ImageNet-1K", "https://github.com/example/vit-g"),
            ("DeiT-X", 85.2, "ImageNet", None),
        ]
    exact = query("leaderboard", dataset="imagenet-1k", exact="true")
    assert [r["method"] for r in exact] == ["ViT-G"] == [r["method"] for r in leaderboards(graph, "imagenet-1k",
                                                                                           exact=True)[0].rows]
    assert query("leaderboard", dataset="MNIST") == []
    assert neo_benchmarks() == nx_benchmarks(graph) == [("ImageNet", "top-1 accuracy", 2, 2, ["ImageNet-1K"])]
