"""kg trends: papers per period from paper dates, undated papers reported, a rise measure that
ignores one-paper blips, the table, and a reproducible chart."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner
from conftest import ROOT

import kg
from kg.analysis.trends import compute_trends, paper_period, sparkline
from kg.cli import cli
from kg.graph.formats import write_graph

DATED = ROOT / "tests" / "data" / "trends" / "dated.jsonl"


def corpus(plan: dict[str, list[int]], months: list[str], undated: int = 0) -> nx.MultiDiGraph:
    """Papers per month for each method (``plan``), plus ``undated`` papers that mention them all."""
    g = nx.MultiDiGraph()
    for name in plan:
        g.add_node(f"Method:{name}", type="Method", key=name, name=name, aliases=[], papers=[])
    n = 0
    for i, month in enumerate(months):
        for name, counts in plan.items():
            for _ in range(counts[i]):
                n += 1
                g.add_node(f"Paper:p{n}", type="Paper", key=f"p{n}", name=f"P{n}", title=f"P{n}", date=f"{month}-15")
                g.nodes[f"Method:{name}"]["papers"].append(f"p{n}")
    for k in range(undated):
        g.add_node(f"Paper:u{k}", type="Paper", key=f"u{k}", name=f"U{k}", title=f"U{k}", date=None)
        for name in plan:
            g.nodes[f"Method:{name}"]["papers"].append(f"u{k}")
    return g


MONTHS = ["2024-01", "2024-02", "2024-03", "2024-05"]  # no paper in April: a gap, kept


def test_counts_per_month_with_gaps_and_undated_papers_reported():
    g = corpus({"Mamba": [0, 1, 2, 4], "LoRA": [2, 2, 2, 2], "Blip": [0, 0, 0, 1]}, MONTHS, undated=2)
    r = compute_trends(g, "Method", min_papers=3)
    assert r.periods == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    assert r.papers_per_period == [2, 3, 4, 0, 7] and r.dated == 16 and r.undated == 2
    by_name = {t.name: t for t in r.rising}
    assert by_name["Mamba"].counts == [0, 1, 2, 0, 4]  # undated papers are never given a period
    assert r.split == "2024-04" and (by_name["Mamba"].earlier, by_name["Mamba"].recent) == (3, 4)
    # Mamba rises, LoRA falls relative to the corpus; Blip (one paper) is not ranked at all
    assert [t.name for t in r.rising] == ["Mamba", "LoRA"]
    assert by_name["Mamba"].rise > 0 > by_name["LoRA"].rise


def test_a_one_paper_blip_never_outranks_steady_growth():
    months = [f"2024-{m:02d}" for m in range(1, 7)]
    g = corpus({"Steady": [1, 1, 2, 3, 4, 5], "Blip": [0, 0, 0, 0, 0, 1], "Pair": [0, 0, 0, 0, 1, 1]}, months)
    r = compute_trends(g, "Method", min_papers=1)  # even when blips are allowed to rank
    assert [t.name for t in r.rising][0] == "Steady"
    assert r.rising[-1].name == "Blip"


def test_weeks_and_dates_that_cannot_be_read():
    assert paper_period("2024-01-01", "week") == "2024-W01"
    assert paper_period("2024-12-30", "week") == "2025-W01"  # ISO weeks
    assert paper_period("2024-03", "month") == "2024-03"
    assert paper_period("2024-03", "week") is None  # a week needs the day
    for bad in (None, "", "March 2024", "2024-13-01", "2024-02-30x"[:0]):
        assert paper_period(bad) is None
    assert sparkline([0, 1, 4]) == " ▃█" and sparkline([]) == ""


def test_fewer_than_two_periods_rank_nothing():
    r = compute_trends(corpus({"A": [3]}, ["2024-01"]), "Method")
    assert r.periods == ["2024-01"] and r.rising == [] and r.split is None


def test_cli_table_json_and_a_reproducible_svg(tmp_path):
    g = corpus({"Mamba": [0, 1, 2, 4], "LoRA": [2, 2, 2, 2]}, MONTHS, undated=1)
    path = tmp_path / "g.json"
    write_graph(g, path)
    out = CliRunner().invoke(cli, ["trends", str(path), "--top", "1"])
    assert out.exit_code == 0, out.output
    assert (
        "Method trends by month: 15 dated papers in 5 periods (2024-01 … 2024-05); 1 paper without a date" in out.output
    )
    assert out.output.splitlines()[-1].split()[:2] == ["1", "Mamba"]
    data = json.loads(CliRunner().invoke(cli, ["trends", str(path), "--format", "json"]).output)
    assert data["undated"] == 1 and [t["name"] for t in data["rising"]] == ["Mamba", "LoRA"]
    svgs = []
    for name in ("a.svg", "b.svg"):
        r = CliRunner().invoke(cli, ["trends", str(path), "-o", str(tmp_path / name)])
        assert r.exit_code == 0, r.output
        svgs.append((tmp_path / name).read_bytes())
    assert svgs[0] == svgs[1] and svgs[0].startswith(b"<?xml") and b"<dc:date" not in svgs[0]
    r = CliRunner().invoke(cli, ["trends", str(path), "-o", str(tmp_path / "c.png")])
    assert r.exit_code == 0 and (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    r = CliRunner().invoke(cli, ["trends", str(path), "-o", str(tmp_path / "c.pdf")])
    assert r.exit_code == 2 and "a chart is written as .svg or .png" in r.output


@pytest.mark.parametrize("entity_type", ["Method", "Dataset"])
def test_the_dated_corpus_through_the_python_api(tmp_path, entity_type):
    """The committed dated corpus (rules-only extraction): 76 dated papers over 8 months, 2 undated."""
    records = [json.loads(line) for line in DATED.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 78 and sum(1 for r in records if not r.get("date")) == 2
    g = nx.MultiDiGraph()
    for r in records:  # papers and the names their titles propose, without a pipeline
        g.add_node(f"Paper:{r['id']}", type="Paper", key=r["id"], name=r["title"], title=r["title"], date=r.get("date"))
        topic = r["title"].split(": ", 1)[0].rsplit("-", 1)[-1] if r.get("date") else "M"
        node = f"{entity_type}:{topic}"
        if node not in g:
            g.add_node(node, type=entity_type, key=topic, name=topic, aliases=[], papers=[])
        g.nodes[node]["papers"].append(r["id"])
    report = kg.trends(g, entity_type, top=5)
    assert report.dated == 76 and report.undated == 2 and len(report.periods) == 8
    # Mamba (-M) papers rise month by month; GAN (-G) papers fade
    assert report.rising[0].name == "M" and report.rising[-1].name == "G"


def test_without_the_plot_extra_the_table_works_and_the_chart_says_what_to_install(tmp_path):
    import os
    import subprocess
    import sys

    g = corpus({"Mamba": [0, 1, 2, 4], "LoRA": [2, 2, 2, 2]}, MONTHS)
    path = tmp_path / "g.json"
    write_graph(g, path)
    hide = "import sys; sys.modules['matplotlib'] = None; from kg.cli import main; "
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}

    def kg_trends(*args: str) -> subprocess.CompletedProcess:
        argv = ["kg", "trends", str(path), *args]
        return subprocess.run([sys.executable, "-c", hide + f"sys.argv = {argv!r}; main()"],
                              capture_output=True, text=True, env=env)

    assert kg_trends().returncode == 0
    r = kg_trends("-o", str(tmp_path / "t.svg"))
    assert r.returncode == 2 and "pip install 'paper-kg[plot]'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "t.svg").exists()
