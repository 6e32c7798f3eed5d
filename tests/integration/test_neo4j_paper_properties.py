"""Paper properties from the API readers in the real Neo4j: lists stay lists, counts stay
integers, what a source did not say is no property; the neo4j-admin files give the same nodes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.graph.build import build_graph
from kg.model import Extraction
from kg.read import read_papers
from kg.store.neo4j import load_graph, run_query

pytestmark = pytest.mark.neo4j

API = Path(__file__).resolve().parents[1] / "data" / "api"
INPUTS = ("hf_daily_2024-10-18.json", "s2_bulk_page.json", "openalex_works_page.json", "arxiv_feed.xml")
PAPER = ("MATCH (p:Paper {key: $key}) RETURN p.categories AS categories, p.upvotes AS upvotes, "
         "p.num_comments AS num_comments, p.doi AS doi, p.venue AS venue, p.date AS date, p.arxiv_id AS arxiv_id, "
         "p.primary_category AS primary_category, p.code_url AS code_url, p.abstract AS abstract")


@pytest.fixture
def api_graph():
    return build_graph(Extraction(paper=p) for p in read_papers([API / n for n in INPUTS], on_warning=None))


def _paper(db, settings, key: str) -> dict:
    _, rows = run_query(db, settings, PAPER, {"key": key})
    (row,) = rows
    return row


def test_list_and_integer_paper_properties_load(neo4j_db, neo4j_settings, api_graph):
    load_graph(neo4j_db, api_graph, neo4j_settings)
    janus = _paper(neo4j_db, neo4j_settings, "2410.13848")
    assert (janus["upvotes"], janus["num_comments"], janus["date"]) == (61, 3, "2024-10-17")
    assert janus["code_url"] == "https://github.com/deepseek-ai/Janus" and janus["categories"] is None
    attention = _paper(neo4j_db, neo4j_settings, "1706.03762")
    assert attention["categories"] == ["cs.CL", "cs.LG"] and attention["primary_category"] == "cs.CL"
    assert attention["upvotes"] is None and attention["arxiv_id"] == "1706.03762v7"
    gpt4 = _paper(neo4j_db, neo4j_settings, "2303.08774")
    assert gpt4["doi"] == "10.48550/arxiv.2303.08774" and gpt4["venue"] == "arXiv (Cornell University)"
    _, rows = run_query(neo4j_db, neo4j_settings,
                        "MATCH (p:Paper) WHERE p.upvotes >= 50 RETURN p.key AS key ORDER BY p.upvotes DESC")
    assert [r["key"] for r in rows] == ["2410.13720", "2410.13848"]  # a number Cypher compares as one
    _, rows = run_query(neo4j_db, neo4j_settings,
                        "MATCH (p:Paper) WHERE 'cs.LG' IN p.categories RETURN p.key AS key")
    assert [r["key"] for r in rows] == ["1706.03762"]


def test_admin_import_of_paper_properties_matches_the_loader(neo4j_db, neo4j_settings, api_graph, tmp_path):
    """The neo4j-admin files of the same graph, imported by the real neo4j-admin into a scratch
    server: every node property typed as the loader stores it (string[] lists, int counts)."""
    from integration.test_neo4j_admin_import import test_admin_import_matches_the_loader as same_as_loader

    same_as_loader(neo4j_db, neo4j_settings, api_graph, tmp_path)
