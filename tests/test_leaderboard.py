"""kg leaderboard: benchmarks, ranking by the metric's direction, variants, relative results apart,
name matching, formats, the Python API and the gold measure — on graphs built by the real
extraction (rules only) from short abstracts, and on hand-made graphs for the edge cases."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from click.testing import CliRunner
from conftest import ROOT

import kg
from kg.analysis.directions import better_direction
from kg.analysis.gold import score_leaderboards
from kg.analysis.leaderboard import UnknownName, benchmarks, leaderboards
from kg.cli import cli
from kg.graph.formats import read_source, write_graph

DATA = ROOT / "tests" / "data" / "leaderboard"
# Four short abstracts, and what `kg extract --model none` made of them (frozen so these tests
# take no pipeline start-up; test_live_extraction_gives_the_same_leaderboard checks it is current).
RECORDS = [json.loads(line) for line in (DATA / "papers.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return read_source(DATA / "extractions.jsonl")


@pytest.fixture(scope="module")
def graph_file(graph, tmp_path_factory):
    path = tmp_path_factory.mktemp("lb") / "graph.graphml"  # any graph format the readers take
    write_graph(graph, path)
    return path


def run(*args: str):
    return CliRunner().invoke(cli, ["leaderboard", *map(str, args)])


def test_benchmarks_list_pairs_with_absolute_results_most_first(graph, graph_file):
    listed = [(b.dataset, b.metric, b.results, b.papers, b.variants, b.better) for b in benchmarks(graph)]
    assert listed == [
        ("ImageNet", "FID", 3, 3, ["ImageNet-256"], "lower"),
        ("ImageNet", "top-1 accuracy", 1, 1, ["ImageNet-1K"], "higher"),
    ]
    out = run(graph_file)
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[2].split()[:3] == ["ImageNet", "FID", "3"]
    assert "(2 benchmarks, 4 absolute results)" in out.output


def test_fid_ranked_lower_first_with_variants_and_relative_apart(graph):
    [fid] = leaderboards(graph, "ImageNet", "FID")
    assert fid.better == "lower" and fid.variants == ["ImageNet-256"]
    rows = [(r["rank"], r["method"], r["value"], r["dataset"], r["paper"]) for r in fid.rows]
    assert rows == [
        (1, "SARA", 1.36, "ImageNet-256", "p1"),
        (2, "M-VAR", 1.78, "ImageNet", "p3"),
        (3, "NFIG", 2.81, "ImageNet-256", "p2"),
    ]
    assert fid.rows[0]["url"] == "https://arxiv.org/abs/2401.00001" and fid.rows[0]["date"] == "2024-02-01"
    assert fid.rows[2]["code"] == "https://github.com/a/nfig"
    assert fid.rows[0]["evidence"].startswith("Experiments on ImageNet-256 show that SARA")
    # "outperforms VAR by 0.4 FID" is relative: listed, never ranked
    assert [(r["rank"], r["value"], r["kind"]) for r in fid.relative] == [(None, 0.4, "relative")]


def test_exact_keeps_one_variant_and_names_match_any_spelling(graph, graph_file):
    [fid] = leaderboards(graph, "imagenet 256", "fid", exact=True)
    assert [r["method"] for r in fid.rows] == ["SARA", "NFIG"] and fid.dataset == "ImageNet-256"
    for spelling in ("ImageNet-256", "IMAGENET-256", "imagenet 256"):
        assert {b.dataset for b in leaderboards(graph, spelling)} == {"ImageNet"}  # the family
    out = run(graph_file, "--dataset", "imagenet-1k", "--exact", "--metric", "Top-1 Accuracy")
    assert out.exit_code == 0, out.output
    assert "ImageNet-1K (this variant only) · top-1 accuracy · 1 absolute result · higher is better" in out.output
    assert "PoolFormer" in out.output and "SARA" not in out.output


def test_unknown_names_give_the_closest_ones(graph, graph_file):
    with pytest.raises(UnknownName) as err:
        leaderboards(graph, "ImageNett")
    assert "ImageNet" in err.value.close
    out = run(graph_file, "--dataset", "imagenett")
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "no dataset named 'imagenett'" in out.output and "closest: ImageNet" in out.output
    out = run(graph_file, "--dataset", "ImageNet", "--metric", "BLEU")
    assert out.exit_code == 2 and "FID" in out.output  # the metrics it has
    assert run(graph_file, "--metric", "FID").exit_code == 2  # needs --dataset


def test_formats(graph_file):
    md = run(graph_file, "--dataset", "ImageNet", "--metric", "FID", "--format", "markdown").output
    assert md.startswith("### ImageNet · FID · 3 absolute results · lower is better")
    assert "| 1 | SARA | 1.36 | ImageNet-256 | p1 |" in md
    rows = list(csv.DictReader(io.StringIO(run(graph_file, "--dataset", "ImageNet", "--format", "csv").output)))
    assert [(r["metric"], r["kind"], r["rank"], r["method"]) for r in rows][:3] == [
        ("FID", "absolute", "1", "SARA"),
        ("FID", "absolute", "2", "M-VAR"),
        ("FID", "absolute", "3", "NFIG"),
    ]
    boards = json.loads(run(graph_file, "--dataset", "ImageNet", "--format", "json").output)
    assert [b["metric"] for b in boards][:2] == ["FID", "top-1 accuracy"]
    listed = json.loads(run(graph_file, "--format", "json").output)
    assert listed[0]["dataset"] == "ImageNet" and listed[0]["results"] == 3


def test_python_api_returns_the_rows(graph, graph_file):
    rows = kg.leaderboard(graph, dataset="imagenet", metric="FID")
    assert [(r["rank"], r["method"], r["kind"]) for r in rows] == [
        (1, "SARA", "absolute"),
        (2, "M-VAR", "absolute"),
        (3, "NFIG", "absolute"),
        (None, "M-VAR", "relative"),
    ]
    assert kg.leaderboard(graph_file, "ImageNet", "FID") == rows


@pytest.mark.parametrize(
    ("metric", "better"),
    [
        ("FID", "lower"),
        ("sFID", "lower"),
        ("top-1 error", "lower"),
        ("word error rate", "lower"),
        ("WER", "lower"),
        ("perplexity", "lower"),
        ("latency", "lower"),
        ("GPU memory", "lower"),
        ("FLOPs", "lower"),
        ("MSE", "lower"),
        ("accuracy", "higher"),
        ("top-1 accuracy", "higher"),
        ("BLEU-4", "higher"),
        ("F1-score", "higher"),
        ("mAP", "higher"),
        ("AP50", "higher"),
        ("mIoU", "higher"),
        ("PSNR", "higher"),
        ("IS", "higher"),
        ("win rate", "higher"),
        ("pass@1", "higher"),
        ("ranking preservation", None),
        ("throughput", "higher"),
    ],
)
def test_metric_directions_come_from_the_data_table(metric, better):
    assert better_direction(metric) == better


def _hand_graph(metric: str, values: list[float]) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("Dataset:d", type="Dataset", key="d", name="D", aliases=["D"], papers=[])
    g.add_node("Metric:m", type="Metric", key="m", name=metric, aliases=[metric], papers=[])
    g.add_node("Task:t", type="Task", key="t", name="T", aliases=[], papers=[])
    ev = [
        {
            "paper": None,
            "sentence": "s",
            "field": "abstract",
            "sentence_start": 0,
            "head": None,
            "tail": None,
            "extractor": "test",
            "confidence": 1.0,
        }
    ]
    for i, v in enumerate(values):
        p, r = f"Paper:p{i}", f"Result:r{i}"
        g.add_node(p, type="Paper", key=f"p{i}", name=f"P{i}", title=f"P{i}", date=f"2024-0{i + 1}-01")
        g.add_node(
            r, type="Result", key=f"r{i}", name=str(v), value=v, value_text=str(v), kind="absolute", paper=f"p{i}"
        )
        for u, w, k in ((p, r, "REPORTS"), (r, "Metric:m", "OF_METRIC"), (r, "Dataset:d", "ON_DATASET")):
            g.add_edge(u, w, key=k, type=k, papers=[f"p{i}"], support=1, confidence=1.0, evidence=ev)
        if i % 2 == 0:
            g.add_edge(
                p, "Task:t", key="ADDRESSES", type="ADDRESSES", papers=[f"p{i}"], support=1, confidence=1.0, evidence=ev
            )
    return g


def test_ties_share_a_rank_and_unknown_directions_are_not_ranked():
    [board] = leaderboards(_hand_graph("BLEU", [30.0, 31.5, 30.0, 29.0]), "D")
    assert [(r["rank"], r["value"]) for r in board.rows] == [(1, 31.5), (2, 30.0), (2, 30.0), (4, 29.0)]
    [board] = leaderboards(_hand_graph("ranking preservation", [0.5, 0.9]), "D")
    assert board.better is None and [(r["rank"], r["value"]) for r in board.rows] == [(None, 0.9), (None, 0.5)]
    out = CliRunner().invoke(cli, ["leaderboard", "-", "--dataset", "D"])  # stdin is no graph: one line
    assert out.exit_code != 0 and "Traceback" not in out.output


def test_task_keeps_results_of_papers_addressing_it():
    g = _hand_graph("accuracy", [70.0, 80.0, 75.0])
    [board] = leaderboards(g, "D", task="t")
    assert [r["paper"] for r in board.rows] == ["p2", "p0"]  # p1 does not address T
    with pytest.raises(UnknownName):
        leaderboards(g, "D", task="nonexistent task")


def test_gold_measure_counts_rows_against_gold_results(graph, tmp_path):
    def record(title: str, results: list[dict]) -> str:
        return json.dumps(
            {"title": title, "source": {"file": "x.jsonl", "line": 1}, "entities": [], "results": results}
        )

    fid = {"metric": "FID", "unit": None, "kind": "absolute", "method": None}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "\n".join(
            [
                record(RECORDS[0]["title"], [{**fid, "value": 1.36, "dataset": "ImageNet-256"}]),
                record(RECORDS[1]["title"], [{**fid, "value": 2.81, "dataset": "ImageNet-256"}]),
                record(RECORDS[2]["title"], [{**fid, "value": 1.78, "dataset": "ImageNet"}]),
                record(
                    RECORDS[3]["title"],
                    [
                        {
                            "metric": "top-1 accuracy",
                            "value": 82.1,
                            "unit": "%",
                            "kind": "absolute",
                            "dataset": "ImageNet-1K",
                            "method": "PoolFormer",
                        },
                        {**fid, "value": 9.9, "dataset": "CelebA"},
                    ],
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    score = score_leaderboards(gold, graph)
    # one ImageNet family table (4 rows, all gold) and CelebA, missing from the graph
    assert (score.counts.tp, score.counts.fp, score.counts.fn) == (4, 0, 1)
    assert [t["datasets"] for t in score.tables] == [["ImageNet", "ImageNet-1K", "ImageNet-256"], ["CelebA"]]


def test_live_extraction_gives_the_same_leaderboard(graph):
    """The frozen extractions are what the rules pipeline makes of the records today."""
    live = kg.build_graph([{k: v for k, v in r.items()} for r in RECORDS], model=None)
    assert [b.__dict__ for b in benchmarks(live)] == [b.__dict__ for b in benchmarks(graph)]
    strip = ()
    assert [{k: v for k, v in r.items() if k not in strip} for r in kg.leaderboard(live, "ImageNet")] == [
        {k: v for k, v in r.items() if k not in strip} for r in kg.leaderboard(graph, "ImageNet")
    ]
