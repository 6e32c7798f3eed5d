"""What the API readers keep beyond a paper's text (date, categories, venue, upvotes, DOI, arXiv
id…) reaches the graph, the graph file formats, and the neo4j-admin import files with typed
columns (``categories:string[]``, ``upvotes:int``)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.graph.build import build_graph
from kg.graph.formats import read_graph, write_graph
from kg.model import Extraction
from kg.read import read_papers
from kg.store.admin_export import ARRAY_DELIMITER, export_neo4j_admin
from kg.store.neo4j import node_rows, to_property

API = Path(__file__).parent / "data" / "api"
# one response per API, no paper in two of them (two APIs' abstracts of one paper differ: a conflict)
INPUTS = ("hf_daily_2024-10-18.json", "s2_bulk_page.json", "openalex_works_page.json", "arxiv_feed.xml")


@pytest.fixture(scope="module")
def api_graph():
    """The papers alone (no extraction needed to carry their properties) through the builder."""
    papers = read_papers([API / name for name in INPUTS], on_warning=None)
    return build_graph(Extraction(paper=p) for p in papers)


def test_paper_nodes_hold_what_the_apis_said(api_graph):
    janus = api_graph.nodes["Paper:2410.13848"]
    assert (janus["date"], janus["upvotes"], janus["num_comments"]) == ("2024-10-17", 61, 3)
    assert janus["code_url"] == "https://github.com/deepseek-ai/Janus" and janus["arxiv_id"] == "2410.13848"
    attention = api_graph.nodes["Paper:1706.03762"]
    assert attention["categories"] == ["cs.CL", "cs.LG"] and attention["primary_category"] == "cs.CL"
    assert attention["comment"] == "15 pages, 5 figures" and attention["arxiv_id"] == "1706.03762v7"
    gpt4 = api_graph.nodes["Paper:2303.08774"]
    assert gpt4["doi"] == "10.48550/arxiv.2303.08774" and gpt4["venue"] == "arXiv (Cornell University)"
    assert gpt4["categories"] == ["Natural Language Processing Techniques", "Topic Modeling"]
    llama = api_graph.nodes["Paper:2307.09288"]  # kept without an abstract
    assert llama["title"] == "Llama 2: Open Foundation and Fine-Tuned Chat Models" and llama["abstract"] == ""
    assert "upvotes" not in llama and "doi" not in llama  # what the source did not say is absent


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".json"])
def test_paper_properties_survive_every_graph_file_format(api_graph, suffix, tmp_path):
    path = tmp_path / f"g{suffix}"
    write_graph(api_graph, path)
    back = read_graph(path)
    for node in ("Paper:2410.13848", "Paper:1706.03762", "Paper:2303.08774"):
        for key in ("upvotes", "categories", "doi", "venue", "date", "primary_category"):
            assert back.nodes[node].get(key) == api_graph.nodes[node].get(key), (suffix, node, key)


def test_admin_export_types_list_and_count_columns(api_graph, tmp_path):
    report = export_neo4j_admin(api_graph, tmp_path / "csv")
    (papers,) = [p for p in report.node_files if p.name == "nodes_Paper.csv"]
    with papers.open(newline="") as fh:
        header, *rows = list(csv.reader(fh))
    for column in (
        "categories:string[]",
        "upvotes:int",
        "num_comments:int",
        "doi",
        "venue",
        "date",
        "primary_category",
        "code_url",
        "authors:string[]",
    ):
        assert column in header, header
    row = {
        name.split(":")[0]: cell
        for name, cell in zip(header, next(r for r in rows if r[0] == "1706.03762"), strict=True)
    }
    assert row["categories"] == ARRAY_DELIMITER.join(["cs.CL", "cs.LG"]) and row["upvotes"] == ""
    row = {
        name.split(":")[0]: cell
        for name, cell in zip(header, next(r for r in rows if r[0] == "2410.13848"), strict=True)
    }
    assert (row["upvotes"], row["num_comments"], row["categories"]) == ("61", "3", "")


def test_loader_rows_agree_with_the_admin_files_on_empty_text(api_graph):
    """neo4j-admin reads an empty cell as no property; the loader stores no property for "" too."""
    rows = {r["key"]: r["props"] for r in node_rows(api_graph)["Paper"]}
    assert rows["2307.09288"]["abstract"] is None  # read without an abstract
    assert rows["2410.13848"]["upvotes"] == 61 and rows["1706.03762"]["categories"] == ["cs.CL", "cs.LG"]
    assert to_property("") is None and to_property(" ") == " "


def test_kg_build_reads_hugging_face_daily_items_one_per_line(tmp_path):
    """A daily-papers item opens with "paper" like a kg extract line; kg build once took such a
    JSONL for extractions and failed. It is papers to extract, as kg extract reads it."""
    items = json.loads((API / "hf_daily_2024-10-18.json").read_text(encoding="utf-8"))
    lines = tmp_path / "daily.jsonl"
    lines.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    out = tmp_path / "g.json"
    done = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(lines), "-o", str(out), "--model", "none", "-q"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    graph = read_graph(out)
    paper = graph.nodes["Paper:2410.13848"]
    assert paper["upvotes"] == items[0]["paper"]["upvotes"] and paper["abstract"]
