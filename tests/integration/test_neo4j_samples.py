"""The real samples graph (548 sample abstracts, default pipeline) in the real Neo4j.

Counts per label and type equal the NetworkX graph's, a second load changes nothing, and every
named query, run through the real ``kg`` CLI, returns exactly the rows computed here in Python
from the NetworkX graph by each query's documented semantics (kg/store/queries.py).

The graph is loaded once for the module (loading it takes seconds; the queries only read), into a
database wiped before and after the module.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from itertools import product

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.graph.formats import write_graph
from kg.graph.lookup import NodeNotFound, answers_to, cypher_named, find_nodes, key_param
from kg.resolve.keys import canonical_key
from kg.store.neo4j import count_graph, run_query

from .conftest import NEO4J_PASSWORD, NEO4J_URI

pytestmark = pytest.mark.neo4j

ENV = {"NEO4J_PASSWORD": NEO4J_PASSWORD, "NEO4J_URI": NEO4J_URI}


# ---------------------------------------------------------------- the NetworkX side


def kind(g: nx.MultiDiGraph, n: str) -> str:
    return g.nodes[n]["type"]


def prop(g: nx.MultiDiGraph, n: str, name: str):
    """The node property as Neo4j holds it: absent (None) for None and empty lists."""
    value = g.nodes[n].get(name)
    return None if value == [] else value


def named(g: nx.MultiDiGraph, n: str, text: str) -> bool:
    """kg.graph.lookup's rule, which the queries state in Cypher (checked below against Neo4j)."""
    return answers_to(n, g.nodes[n], text)


def out_typed(g, n, rel: str, label: str) -> list[str]:
    return [v for _, v, k in g.out_edges(n, keys=True) if k == rel and kind(g, v) == label]


def in_typed(g, n, rel: str, label: str) -> list[str]:
    return [u for u, _, k in g.in_edges(n, keys=True) if k == rel and kind(g, u) == label]


def datasets_and_variants(g, text: str) -> set[str]:
    """MATCH (d:Dataset) named text, MATCH (v:Dataset)-[:VARIANT_OF*0..3]->(d)."""
    found = set()
    for d in (n for n in g if kind(g, n) == "Dataset" and named(g, n, text)):
        frontier = {d}
        found.add(d)
        for _ in range(3):
            frontier = {u for v in frontier for u in in_typed(g, v, "VARIANT_OF", "Dataset")}
            found |= frontier
    return found


def papers_using(g, dataset: str) -> dict[str, set[str]]:
    """paper → how it reaches ``dataset``: EVALUATES_ON, PROPOSES, or REPORTS a Result ON_DATASET it."""
    via: dict[str, set[str]] = defaultdict(set)
    for rel in ("EVALUATES_ON", "PROPOSES"):
        for p in in_typed(g, dataset, rel, "Paper"):
            via[p].add(rel)
    for res in in_typed(g, dataset, "ON_DATASET", "Result"):
        for p in in_typed(g, res, "REPORTS", "Paper"):
            via[p].add("REPORTS")
    return via


def expected_papers_on_dataset(g, text: str) -> list[tuple]:
    datasets: dict[str, set] = defaultdict(set)
    vias: dict[str, set] = defaultdict(set)
    for v in datasets_and_variants(g, text):
        for p, how in papers_using(g, v).items():
            if prop(g, v, "name") is not None:
                datasets[p].add(prop(g, v, "name"))
            vias[p] |= how
    return sorted((prop(g, p, "key"), prop(g, p, "title"), sorted(datasets[p]), sorted(vias[p]))
                  for p in vias)


def expected_methods_on_benchmark(g, text: str) -> Counter:
    rows: Counter = Counter()
    for v in datasets_and_variants(g, text):
        for res in in_typed(g, v, "ON_DATASET", "Result"):
            methods = out_typed(g, res, "BY_METHOD", "Method") or [None]
            metrics = out_typed(g, res, "OF_METRIC", "Metric") or [None]
            papers = in_typed(g, res, "REPORTS", "Paper") or [None]
            for m, metric, p in product(methods, metrics, papers):
                metric_name = prop(g, metric, "name") if metric else None
                rows[(prop(g, m, "name") if m else None,
                      metric_name if metric_name is not None else prop(g, res, "metric_name"),
                      prop(g, res, "value"), prop(g, res, "value_text"), prop(g, res, "unit"),
                      prop(g, res, "kind"), prop(g, v, "name"), prop(g, p, "key") if p else None)] += 1
    return rows


def expected_top_datasets(g) -> list[tuple]:
    """Datasets used by at least one paper (the CALL subquery drops the others), most papers first."""
    rows = [(prop(g, d, "name"), prop(g, d, "key"), len(papers_using(g, d)))
            for d in g if kind(g, d) == "Dataset"]
    return sorted((r for r in rows if r[2]), key=lambda r: (-r[2], r[0], r[1]))


def expected_methods_sharing_tasks(g, method: str | None = None) -> Counter:
    pairs = {(m, t) for m in g if kind(g, m) == "Method" for t in out_typed(g, m, "USED_FOR", "Task")}
    for p in (n for n in g if kind(g, n) == "Paper"):
        methods = out_typed(g, p, "PROPOSES", "Method") + out_typed(g, p, "USES", "Method")
        pairs |= set(product(methods, out_typed(g, p, "ADDRESSES", "Task")))
    by_task: dict[str, set[str]] = defaultdict(set)
    for m, t in pairs:
        by_task[t].add(m)
    shared: dict[tuple[str, str], set] = defaultdict(set)
    for t, methods in by_task.items():
        for a in methods:
            for b in methods:
                if prop(g, a, "key") < prop(g, b, "key"):
                    names = shared[(a, b)]
                    if prop(g, t, "name") is not None:
                        names.add(prop(g, t, "name"))
    return Counter(
        (prop(g, a, "name"), prop(g, b, "name"), len(tasks), tuple(sorted(tasks)))
        for (a, b), tasks in shared.items()
        if method is None or named(g, a, method) or named(g, b, method))


def expected_neighbourhood(g, paper: str) -> Counter:
    rows: Counter = Counter()
    key = prop(g, paper, "key")
    for direction, edges in (("out", g.out_edges(paper, keys=True)), ("in", g.in_edges(paper, keys=True))):
        for u, v, rel in edges:
            n = v if direction == "out" else u
            name = next((x for x in (prop(g, n, "name"), prop(g, n, "value_text"), prop(g, n, "key"))
                         if x is not None), None)
            rows[(key, rel, direction, kind(g, n), name, prop(g, n, "key"))] += 1
    return rows


# ---------------------------------------------------------------- the Neo4j side


def kg(*args: str):
    result = CliRunner().invoke(cli, list(args), env=ENV)
    assert result.exit_code == 0, result.output
    return result


def query(name: str, **params) -> list[dict]:
    args = ["query", name, "--format", "json"]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    return json.loads(kg(*args).stdout)


def expected_counts(g) -> tuple[dict[str, int], dict[str, int]]:
    return (dict(Counter(a["type"] for _, a in g.nodes(data=True))),
            dict(Counter(k for _, _, k in g.edges(keys=True))))


# ---------------------------------------------------------------- tests


def test_counts_equal_the_graph_and_a_second_load_changes_nothing(samples_db, neo4j_settings,
                                                                  sample_graph, tmp_path):
    want = expected_counts(sample_graph)
    assert sum(want[0].values()) > 3000 and sum(want[1].values()) > 5000  # really the samples
    assert count_graph(samples_db, neo4j_settings) == want
    snapshot = ("MATCH (n) OPTIONAL MATCH (n)-[r]->(m) "
                "RETURN count(DISTINCT n) AS nodes, count(r) AS rels, "
                "sum(size(keys(n))) AS node_props, sum(size(keys(coalesce(r, {})))) AS rel_props")
    before = run_query(samples_db, neo4j_settings, snapshot)
    # Again, through the real CLI from a graph file, with other batch boundaries.
    path = tmp_path / "graph.json"
    write_graph(sample_graph, path)
    out = kg("load", str(path), "--batch-size", "333").stdout
    assert (f"loaded {sample_graph.number_of_nodes()} nodes and {sample_graph.number_of_edges()} "
            "relationships") in out
    assert count_graph(samples_db, neo4j_settings) == want
    assert run_query(samples_db, neo4j_settings, snapshot) == before


TESTED = {"papers-on-dataset", "methods-on-benchmark", "top-datasets", "papers-without-code",
          "methods-sharing-tasks", "paper-neighbourhood",
          "leaderboard", "benchmarks"}  # these two in test_neo4j_leaderboard.py


def test_a_name_finds_the_same_nodes_in_neo4j_as_in_networkx(samples_db, neo4j_settings, sample_graph):
    g = sample_graph
    paper = max((p for p in g if kind(g, p) == "Paper"), key=lambda p: (g.degree(p), p))
    names = ["CLIP", "imagenet", "Imagenet 1k", "Vision-Transformers", " large language models ",
             "github.com/westlake-ai/openmixup", "Method:transformer", "DATASET:imagenet",
             str(prop(g, paper, "title")).upper(), str(prop(g, paper, "key")), "no such thing at all"]
    cypher = f"MATCH (n) WHERE {cypher_named('n', 'q')} RETURN n.id AS id"
    for name in names:
        _, rows = run_query(samples_db, neo4j_settings, cypher, {"q": name, key_param("q"): canonical_key(name)})
        try:
            want = find_nodes(g, name)
        except NodeNotFound:
            want = []
        assert sorted(r["id"] for r in rows) == want, name
    assert find_nodes(g, "Imagenet 1k")  # the canonical-key half of the rule is exercised


def test_every_listed_query_is_tested_here():
    listed = {line.split()[0] for line in kg("query", "--list").stdout.splitlines()
              if line.strip() and not line.startswith(" ")}
    assert listed == TESTED


def test_papers_on_imagenet_and_its_variants(samples_db, sample_graph):
    want = expected_papers_on_dataset(sample_graph, "ImageNet")
    assert len(want) > 20 and {d for w in want for d in w[2]} > {"ImageNet"}  # variants found too
    for text in ("ImageNet", "imagenet", "IMAGENET"):
        rows = query("papers-on-dataset", dataset=text)
        assert [r["paper"] for r in rows] == sorted(r["paper"] for r in rows)
        assert [(r["paper"], r["title"], sorted(r["datasets"]), sorted(r["via"])) for r in rows] == want


def test_papers_on_every_used_dataset(samples_db, sample_graph):
    g = sample_graph
    keys = sorted(prop(g, d, "key") for d in g if kind(g, d) == "Dataset" and papers_using(g, d))
    assert len(keys) > 50
    for key in keys[::4]:  # a quarter of them keeps this quick
        rows = query("papers-on-dataset", dataset=key)
        got = [(r["paper"], r["title"], sorted(r["datasets"]), sorted(r["via"])) for r in rows]
        assert got == expected_papers_on_dataset(g, key), key


def test_top_datasets(samples_db, sample_graph):
    want = expected_top_datasets(sample_graph)
    everything = query("top-datasets", limit=10_000)
    assert [(r["dataset"], r["key"], r["papers"]) for r in everything] == want
    assert want[0][1] == "imagenet" or want[0][2] >= 10  # a real ranking, not a handful of ones
    assert [(r["dataset"], r["papers"]) for r in query("top-datasets")] == [(w[0], w[2]) for w in want[:10]]


def test_papers_without_code(samples_db, sample_graph):
    g = sample_graph
    want = sorted((prop(g, p, "key"), prop(g, p, "title"), prop(g, p, "url"))
                  for p in g if kind(g, p) == "Paper" and not out_typed(g, p, "HAS_CODE", "Repository"))
    papers = sum(1 for p in g if kind(g, p) == "Paper")
    assert 0 < len(want) < papers
    assert [(r["paper"], r["title"], r["url"]) for r in query("no-code")] == want


def test_paper_neighbourhood(samples_db, sample_graph):
    g = sample_graph
    papers = [p for p in g if kind(g, p) == "Paper"]
    busiest = max(papers, key=lambda p: (g.degree(p), prop(g, p, "key")))
    assert len(expected_neighbourhood(g, busiest)) > 10
    chosen = [busiest, *[p for p in papers if g.in_degree(p)][:1]]  # "in" rows too, if any paper has them
    titles = Counter(str(prop(g, p, "title")).lower() for p in papers)
    for paper in chosen:
        rows = query("paper-neighbourhood", paper=prop(g, paper, "key"))
        got = Counter((r["paper"], r["relation"], r["direction"], r["type"], r["name"], r["key"]) for r in rows)
        assert got == expected_neighbourhood(g, paper)
        assert [(r["relation"], r["type"], r["name"]) for r in rows] == \
            sorted((r["relation"], r["type"], r["name"]) for r in rows)
        title = prop(g, paper, "title")
        if title and titles[title.lower()] == 1:  # the same rows by exact title, any case
            by_title = query("paper-neighborhood", paper=title.upper())
            assert Counter(tuple(r.values()) for r in by_title) == Counter(tuple(r.values()) for r in rows)


def test_methods_on_benchmark(samples_db, sample_graph):
    g = sample_graph
    with_results = sorted({prop(g, v, "key") for _, v, k in g.edges(keys=True) if k == "ON_DATASET"})
    assert "imagenet" in with_results
    for key in ["ImageNet", *with_results]:
        want = expected_methods_on_benchmark(g, key)
        assert want, key
        rows = query("methods-on-benchmark", dataset=key)
        got = Counter((r["method"], r["metric"], r["value"], r["value_text"], r["unit"], r["kind"],
                       r["dataset"], r["paper"]) for r in rows)
        assert got == want, key
        methods = [r["method"] for r in rows]
        named_ones = [m for m in methods if m is not None]
        assert methods == named_ones + [None] * (len(methods) - len(named_ones))  # nulls last
        assert named_ones == sorted(named_ones)
    imagenet = expected_methods_on_benchmark(g, "ImageNet")
    assert len({row[6] for row in imagenet}) > 1  # results on ImageNet variants are included


def test_methods_sharing_tasks(samples_db, sample_graph):
    rows = query("methods-sharing-tasks")
    got = Counter((r["method_a"], r["method_b"], r["shared"], tuple(sorted(r["tasks"]))) for r in rows)
    want = expected_methods_sharing_tasks(sample_graph)
    assert len(want) > 1000 and got == want
    shared = [r["shared"] for r in rows]
    assert shared == sorted(shared, reverse=True)
    method = rows[0]["method_a"]
    only = query("methods-sharing-tasks", method=method)
    got = Counter((r["method_a"], r["method_b"], r["shared"], tuple(sorted(r["tasks"]))) for r in only)
    assert got == expected_methods_sharing_tasks(sample_graph, method) and 0 < len(only) < len(rows)
