"""kg leaderboard keeps the results part of a graph file beside it (GRAPH.results.json) and reads
that while the graph file is unchanged: every leaderboard answer is the same from it as from the
whole graph, and a replaced graph is read afresh."""

from __future__ import annotations

import os

from click.testing import CliRunner

from kg.analysis.leaderboard import benchmarks, leaderboard_rows, leaderboards
from kg.analysis.results_graph import read_for_leaderboard, results_path, results_subgraph
from kg.cli import cli
from kg.graph.formats import write_graph


def _answers(g) -> list:
    out = []
    for b in benchmarks(g):
        out.append(b)
        out.append(leaderboard_rows(leaderboards(g, b.dataset, b.metric)))
        out.append(leaderboard_rows(leaderboards(g, b.dataset, exact=True)))
    return out


def test_the_subgraph_gives_every_leaderboard_of_the_samples(sample_graph):
    sub = results_subgraph(sample_graph)
    assert sub.number_of_nodes() < sample_graph.number_of_nodes() / 2
    assert not any("abstract" in a for _, a in sub.nodes(data=True))
    answers = _answers(sample_graph)
    assert len(answers) >= 27 and answers == _answers(sub)  # 9 benchmarks, 3 answers each
    task = next(a["name"] for _, a in sample_graph.nodes(data=True) if a.get("type") == "Task")
    for g in (sample_graph, sub):  # --task reads ADDRESSES edges of result papers
        ds = benchmarks(g)[0].dataset
        assert leaderboard_rows(leaderboards(g, ds, task="image classification")) is not None
        assert [n for n, a in g.nodes(data=True) if a.get("name") == task]


def test_kept_beside_the_graph_and_made_again_when_the_graph_changes(sample_graph, tmp_path):
    path = tmp_path / "graph.json"
    write_graph(sample_graph, path)
    first = CliRunner().invoke(cli, ["leaderboard", str(path), "--format", "json"])
    assert first.exit_code == 0, first.output
    kept = results_path(path)
    assert kept.is_file() and kept.stat().st_size < path.stat().st_size / 3
    # read from the kept file: the graph file itself is no longer opened
    os.chmod(path, 0)
    try:
        again = CliRunner().invoke(cli, ["leaderboard", str(path), "--format", "json"])
    finally:
        os.chmod(path, 0o644)
    if os.geteuid() != 0:  # root reads a mode-0 file anyway
        assert again.exit_code == 0 and again.output == first.output
    # a graph with one result fewer (another build): the kept file no longer matches
    g = sample_graph.copy()
    on_dataset = {u for u, _, k in g.edges(keys=True) if k == "ON_DATASET"}
    g.remove_node(next(n for n, a in g.nodes(data=True) if n in on_dataset and a.get("kind") == "absolute"))
    write_graph(g, path)
    assert benchmarks(read_for_leaderboard(path)) == benchmarks(g) != benchmarks(sample_graph)
    assert read_for_leaderboard(path).graph["kg_results_of"]["size"] == path.stat().st_size
