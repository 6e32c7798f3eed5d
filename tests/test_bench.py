"""Smoke test of kg.bench (speed, scale, synth, render's synthetic graph) on a tiny input: every
function runs and its report has the expected structure. Wall times are never asserted."""

from __future__ import annotations

import json

import pytest

from kg.bench import common, scale, synth, throughput


@pytest.fixture(scope="module")
def papers():
    return common.load_papers(n=24, seed=1)


def test_synth_corpus_is_deterministic_and_varied(tmp_path):
    seeds = synth.load_seed_records()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    words = synth.write_corpus(a, 200, seed=3, seeds=seeds)
    assert synth.write_corpus(b, 200, seed=3, seeds=seeds) == words > 0
    assert a.read_bytes() == b.read_bytes()
    recs = [json.loads(line) for line in a.read_text().splitlines()]
    assert len(recs) == 200 and len({r["id"] for r in recs}) == 200
    assert all(r["title"] and r["abstract"] for r in recs)
    seed_titles = {s["title"] for s in seeds}
    assert sum(r["title"] not in seed_titles for r in recs) > 20  # names were varied
    c = tmp_path / "c.jsonl"
    synth.write_corpus(c, 200, seed=4, seeds=seeds)
    assert c.read_bytes() != a.read_bytes()


def test_load_papers_resamples():
    ps = common.load_papers(n=700, seed=0)
    assert len(ps) == 700 and all("~" in p.id for p in ps[600:])  # resampled copies get fresh ids


def test_throughput_report(papers):
    r = throughput.bench_throughput(papers, model=None, batch_size=8, repeats=1)
    assert r["papers"] == 24 and r["words"] > 0
    for k in ("tokenizer", "extract"):
        assert r[k]["papers_per_s"] > 0 and r[k]["words_per_s"] > 0 and r[k]["runs"] == 1
        assert r[k]["papers_per_cpu_s"] > 0
    assert r["ratio_extract_to_tokenizer"] > 0 and r["ratio_cpu"] > 0
    # the default settings (a worker pool) are measured in the same run, against the same texts
    assert r["extract_workers"]["papers_per_s"] > 0 and r["ratio_workers_to_tokenizer"] > 0
    assert set(r["targets"]) == {"ratio>=0.1", "papers_per_s>=100"}
    text = throughput.format_throughput(r)
    assert "| path | papers/s | words/s | ratio |" in text and "tokenizer" in text


def test_workers_report(papers):
    r = throughput.bench_workers(papers, workers=2, model=None, batch_size=6, repeats=1)
    assert r["workers"] == 2 and r["papers"] == 24
    for k in ("steady_1", "steady_n", "e2e_1", "e2e_n"):
        assert r[k]["papers_per_s"] > 0
    assert r["startup"]["median_s"] > 0 and r["speedup_steady"] > 0 and r["speedup_cpu_bound"] > 0
    assert 0 < r["parallel_efficiency"]
    assert "start-up" in throughput.format_workers(r)


def test_scale_and_memory_reports(tmp_path):
    r = scale.bench_scale(30, workers=1, workdir=tmp_path, extra_args=["--model", "none"])
    assert r["n"] == 30 and r["wall_s"] > 0 and r["peak_rss_main"] > 0 and r["graph_bytes"] > 0
    assert "built 30 papers" in r["summary"]
    assert r["cpu_total_s"] > 0 and r["cpu_bound_wall_s"] > 0
    assert not (tmp_path / "graph-30.json").exists()
    assert "| papers | wall time |" in scale.format_scale(r)
    m = scale.bench_memory(30, workers=1, workdir=tmp_path, extra_args=["--model", "none"])
    assert m["lines"] == 30 and [s["papers"] for s in m["samples"]] == [3, 15, 30]
    assert all(s["rss_main"] > 0 for s in m["samples"])
    assert "RSS main" in scale.format_memory(m)


def test_speed_cli_runs_throughput(capsys):
    from kg.bench.speed import main

    main(["throughput", "--papers", "16", "--model", "none", "--repeats", "1", "--batch-size", "8"])
    assert "| path | papers/s |" in capsys.readouterr().out


def test_render_synthetic_graph_is_deterministic():
    from kg.bench.render import synthetic_graph

    a, b = synthetic_graph(50, seed=3), synthetic_graph(50, seed=3)
    assert a.number_of_nodes() == b.number_of_nodes() > 50 and sorted(a.edges) == sorted(b.edges)
    assert {d["type"] for _, d in a.nodes(data=True)} >= {"Paper", "Method", "Dataset", "Metric", "Task"}


def test_neo4j_resample_makes_disjoint_copies():
    import networkx as nx

    from kg.bench.neo4j_load import resample

    g = nx.MultiDiGraph()
    g.add_node("Method:a", type="Method", key="a")
    g.add_node("Dataset:b", type="Dataset", key="b")
    g.add_edge("Method:a", "Dataset:b", key="USED_FOR", type="USED_FOR")
    big = resample(g, 3)
    assert big.number_of_nodes() == 6 and big.number_of_edges() == 3
    assert {d["key"] for _, d in big.nodes(data=True)} == {f"{k}~{i}" for k in "ab" for i in range(3)}


# -- issue 18, item 17: quick by default, the 100k runs behind --full, progress while it runs --------

def test_scale_and_memory_default_to_a_quick_run_and_full_is_explicit():
    from kg.bench.speed import FULL_N, QUICK_N, parse_args

    for command in ("scale", "memory", "all"):
        assert parse_args([command]).n == QUICK_N <= 5_000
        assert parse_args([command, "--full"]).n == FULL_N == 100_000
    assert parse_args(["memory", "--n", "777"]).n == 777


def test_memory_bench_shows_progress(tmp_path, capsys):
    from kg.bench.speed import main

    main(["memory", "--n", "40", "--workers", "1", "--model", "none", "--workdir", str(tmp_path)])
    err = capsys.readouterr().err
    assert "synthetic papers" in err and "40/40 papers" in err, err
