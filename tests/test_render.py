"""kg.render without a browser: choosing the subgraph, the page data, escaping, layout, the file."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import networkx as nx
import pytest

from kg.render.html import page_data, render_html, script_json
from kg.render.layout import layout_positions
from kg.render.select import select_subgraph
from kg.schema import NODE_TYPES, RELATION_TYPES


def entity(g: nx.MultiDiGraph, nid: str, name: str, papers: list[str], aliases: list[str] = ()) -> None:
    t, key = nid.split(":", 1)
    g.add_node(nid, type=t, name=name, key=key, aliases=list(aliases), papers=papers, confidence=0.9,
               proposed_by=[])


def edge(g: nx.MultiDiGraph, u: str, v: str, rel: str, evidence: list[dict] | None = None) -> None:
    g.add_edge(u, v, key=rel, type=rel, papers=["p1"], support=1, confidence=0.8, evidence=evidence or [])


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    """p1 → CLIP → ViT → ImageNet chain, a popular Dataset, a stray Task."""
    g = nx.MultiDiGraph()
    for i in (1, 2, 3):
        g.add_node(f"Paper:p{i}", type="Paper", name=f"Paper {i}", key=f"p{i}", title=f"Paper {i}",
                   url=f"https://arxiv.org/abs/{i}", abstract="", sources=[])
    entity(g, "Method:clip", "CLIP", ["p1"], ["Contrastive Language-Image Pre-training"])
    entity(g, "Method:vit", "ViT", ["p1", "p2"])
    entity(g, "Dataset:imagenet", "ImageNet", ["p1", "p2", "p3"])
    entity(g, "Task:vqa", "VQA", ["p3"])
    edge(g, "Paper:p1", "Method:clip", "PROPOSES")
    edge(g, "Method:clip", "Method:vit", "COMPARED_WITH")
    edge(g, "Method:vit", "Dataset:imagenet", "EVALUATED_ON")
    for p in ("Paper:p1", "Paper:p2", "Paper:p3"):
        edge(g, p, "Dataset:imagenet", "EVALUATES_ON")
    edge(g, "Paper:p3", "Task:vqa", "ADDRESSES")
    return g


def test_focus_matches_an_alias_case_insensitively_and_takes_an_undirected_ego_graph(graph) -> None:
    sel = select_subgraph(graph, focus="contrastive language-image PRE-TRAINING", depth=1)
    assert sel.focus_nodes == ["Method:clip"]
    assert set(sel.graph) == {"Method:clip", "Paper:p1", "Method:vit"}  # p1 reached against the arrow
    assert set(select_subgraph(graph, focus="clip", depth=2).graph) >= {"Dataset:imagenet"}


def test_focus_on_nothing_names_close_matches(graph) -> None:
    with pytest.raises(ValueError, match=r"'ClIPP' matches no node.*closest: CLIP"):
        select_subgraph(graph, focus="ClIPP")


def test_types_filter_keeps_the_focus_and_rejects_unknown_types(graph) -> None:
    sel = select_subgraph(graph, focus="CLIP", depth=3, types=["Dataset"])
    assert set(sel.graph) == {"Method:clip", "Dataset:imagenet"}
    with pytest.raises(ValueError, match="unknown node type"):
        select_subgraph(graph, types=["Methd"])


def test_min_papers_drops_rare_entities_but_never_papers(graph) -> None:
    sel = select_subgraph(graph, min_papers=2)
    assert "Method:clip" not in sel.graph and "Task:vqa" not in sel.graph
    assert {"Method:vit", "Dataset:imagenet", "Paper:p1", "Paper:p2", "Paper:p3"} <= set(sel.graph)
    assert sel.dropped_nodes == 2


def test_max_nodes_keeps_the_most_connected_and_says_what_it_dropped(graph) -> None:
    sel = select_subgraph(graph, max_nodes=2)
    # ImageNet has degree 4; ViT and Paper 1 tie at 2 and ViT, in more papers, wins the tie
    assert set(sel.graph) == {"Dataset:imagenet", "Method:vit"}
    assert sel.dropped_nodes == graph.number_of_nodes() - 2
    assert sel.notes == [f"kept 2 of {graph.number_of_nodes()} nodes (most connected); dropped 5"]


def test_script_json_cannot_close_the_script_and_round_trips() -> None:
    value = {"t": "</script><script>alert(1)</script> & <!-- \u2028\u2029"}
    text = script_json(value)
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text) == value


def test_page_data_takes_colours_from_the_schema_and_relative_evidence_spans(graph) -> None:
    sentence = "We compare CLIP with ViT."
    graph.edges["Method:clip", "Method:vit", "COMPARED_WITH"]["evidence"] = [
        {"paper": "p1", "field": "abstract", "sentence": sentence, "sentence_start": 50,
         "head": [61, 65], "tail": [71, 74], "extractor": "rules", "confidence": 0.7}]
    data = page_data(graph, select_subgraph(graph), "t")
    assert {t: v["color"] for t, v in data["nodeTypes"].items()} == {
        t: NODE_TYPES[t].color for t in ("Paper", "Method", "Dataset", "Task")}
    assert data["relationTypes"]["COMPARED_WITH"]["color"] == RELATION_TYPES["COMPARED_WITH"].color
    (cmp,) = [e for e in data["edges"] if e["type"] == "COMPARED_WITH"]
    ev = cmp["evidence"][0]
    assert [sentence[s:e] for s, e, _ in ev["spans"]] == ["CLIP", "ViT"]
    assert ev["paper"] == "Paper:p1"  # a bare paper key resolves to the Paper node id
    clip = next(n for n in data["nodes"] if n["id"] == "Method:clip")
    assert clip["paperIds"] == ["Paper:p1"] and clip["papers"] == 1


def test_only_http_links_reach_the_page(graph) -> None:
    graph.nodes["Paper:p1"]["url"] = "javascript:alert(1)"
    data = page_data(graph, select_subgraph(graph), "t")
    assert "url" not in data["papers"]["Paper:p1"]
    assert data["papers"]["Paper:p2"]["url"] == "https://arxiv.org/abs/2"


def test_render_writes_one_self_contained_file(graph, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "g.html"
    report = render_html(graph, out, title="T & <b>")
    page = out.read_text(encoding="utf-8")
    assert report.bytes == len(page.encode()) and report.nodes == graph.number_of_nodes()
    assert "<title>T &amp; &lt;b&gt;</title>" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing to fetch
    assert "<link" not in page
    assert page.count("<script") == 3
    assert [p.name for p in out.parent.iterdir()] == ["g.html"]  # no temp file left behind


def test_a_failed_render_leaves_no_file(graph, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    with pytest.raises(ValueError):
        render_html(graph, out, focus="nothing like this")
    assert list(tmp_path.iterdir()) == []


def test_report_summary_says_what_was_dropped(graph, tmp_path: Path) -> None:
    report = render_html(graph, tmp_path / "g.html", max_nodes=3)
    assert report.summary().endswith("3 of 7 nodes, 2 of 7 edges; kept 3 of 7 nodes (most connected); dropped 4")
    assert (report.dropped_nodes, report.dropped_edges) == (4, 5)


def test_layout_is_deterministic_finite_and_spreads_nodes() -> None:
    g = nx.MultiDiGraph(nx.barabasi_albert_graph(1200, 2, seed=1))  # above the exact-repulsion limit
    nx.relabel_nodes(g, {n: f"Method:{n}" for n in g}, copy=False)
    g.add_node("Task:alone")
    first, second = layout_positions(g), layout_positions(g)
    assert first == second and set(first) == set(g)
    xy = list(first.values())
    assert all(math.isfinite(c) for p in xy for c in p)
    distinct = {(round(x), round(y)) for x, y in xy}
    assert len(distinct) > 0.95 * len(xy)  # nodes don't collapse onto each other


# -- issue 18, item 12: the same page whatever the hash seed; a focused page holds what it shows --

def _big_graph(papers: int = 60) -> nx.MultiDiGraph:
    """Papers each using two of a pool of methods on one of a few datasets: many components and
    many nodes of equal degree, where set order would show."""
    import random

    rnd = random.Random(3)
    g = nx.MultiDiGraph()
    methods = [f"Method:m{i}" for i in range(40)]
    datasets = [f"Dataset:d{i}" for i in range(6)]
    for nid in methods + datasets:
        entity(g, nid, nid.split(":")[1].upper(), [])
    for i in range(papers):
        pid = f"Paper:p{i}"
        g.add_node(pid, type="Paper", name=f"Paper {i}", key=f"p{i}", title=f"Title of paper {i}",
                   url=f"https://arxiv.org/abs/{i}", abstract="", sources=[])
        for m in rnd.sample(methods, 2):
            g.nodes[m]["papers"].append(f"p{i}")
            edge(g, pid, m, "USES", [{"paper": f"p{i}", "field": "abstract", "sentence": "s", "sentence_start": 0,
                                      "extractor": "rule", "confidence": 0.9}])
            d = rnd.choice(datasets)
            if not g.has_edge(m, d, key="EVALUATED_ON"):
                edge(g, m, d, "EVALUATED_ON")
    return g


def test_render_is_byte_identical_across_hash_seeds_and_dates(tmp_path: Path) -> None:
    import subprocess
    import sys

    from kg.graph.formats import write_graph

    src = tmp_path / "g.json"
    write_graph(_big_graph(), src)
    pages = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"page{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "86400"}
        r = subprocess.run([sys.executable, "-m", "kg", "render", str(src), "-o", str(out), "--focus", "M3",
                            "--depth", "2"], env=env, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        pages.append(out.read_bytes())
    assert pages[0] == pages[1] == pages[2]
    assert b'"generated":"1970-01-02 00:00 UTC"' in pages[0]


def test_a_focused_page_embeds_only_the_papers_it_shows() -> None:
    g = _big_graph()
    selection = select_subgraph(g, focus="D0", depth=1)
    data = page_data(g, selection, "t")
    shown = {n["id"] for n in data["nodes"]}
    referenced = set()
    for n in data["nodes"]:
        referenced.update(n.get("paperIds", ()), n.get("proposed_by", ()))
    for e in data["edges"]:
        referenced.update(e["paperIds"])
        referenced.update(ev["paper"] for ev in e["evidence"] if ev["paper"])
    for r in data["results"]:
        referenced.update([r["paper"]] if r.get("paper") else [])
    assert set(data["papers"]) == (referenced | {n for n in shown if n.startswith("Paper:")}) & set(g.nodes)
    assert len(data["papers"]) < 60
