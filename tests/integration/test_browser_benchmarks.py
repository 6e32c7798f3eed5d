"""Leaderboards, the Benchmarks view, sparklines and paper facts in the page, in real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.render.html import render_html

from .browser_fixtures import XSS_TEXT, browser, chromium  # noqa: F401
from .conftest import sample_graph

pytestmark = pytest.mark.browser


def benchmark_graph():
    """The Neo4j tests' three papers (top-1 accuracy on ImageNet and ImageNet-1K), dated in two
    months, the first with what an API says of it, a hostile evidence sentence on the second."""
    g = sample_graph()
    g.nodes["Paper:2401.00002"]["date"] = "2024-03-05"
    g.nodes["Paper:2401.00001"].update(
        doi="10.1234/vit.g",
        venue="ICLR 2024",
        categories=["cs.CV", "cs.LG"],
        primary_category="cs.CV",
        upvotes=42,
        num_comments=3,
        code_url="https://github.com/example/vit-g",
        project_page="https://vit-g.example.org",
        journal_ref="ICLR 2024",
        comment="12 pages",
    )
    g.edges["Paper:2401.00002", "Result:r2", "REPORTS"]["evidence"][0]["sentence"] = f"DeiT-X gets 85.2% {XSS_TEXT}"
    return g


def test_benchmarks_view_dataset_panel_sparkline_and_paper_facts(browser, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "boards.html"
    render_html(benchmark_graph(), path)
    browser.open(path)
    page = browser.page

    page.click("#benchmarks")
    assert page.text_content("#panel h2") == "Benchmarks"
    boards = page.query_selector_all("#panel .board")
    assert [(b.get_attribute("data-dataset"), b.get_attribute("data-metric")) for b in boards] == [
        ("ImageNet", "top-1 accuracy")
    ]
    rows = page.query_selector_all("#panel .board-row")
    cells = [[c.text_content() for c in r.query_selector_all("td")][:4] for r in rows]
    # higher is better for accuracy: ViT-G's 90.4 ranks first; the variant is a column
    assert cells == [["1", "ViT-G", "90.4%", "ImageNet-1K"], ["2", "DeiT-X", "85.2%", "ImageNet"]]
    assert "higher is better" in page.text_content("#panel .board-title")
    first = rows[0]
    assert first.query_selector(".paper-cell a").get_attribute("href") == "https://arxiv.org/abs/2401.00001"
    assert first.query_selector(".code-cell a").get_attribute("href") == "https://github.com/example/vit-g"
    assert rows[1].query_selector(".code-cell a") is None  # DeiT-X's paper links no code
    # the evidence opens under its row, as text
    evidence = page.query_selector_all("#panel .board-evidence")
    assert not evidence[1].is_visible()
    rows[1].query_selector(".evidence-link").click()
    assert evidence[1].is_visible() and XSS_TEXT in evidence[1].text_content()
    # "show" goes to the paper's node
    first.query_selector(".paper-cell .node-link").click()
    assert page.text_content("#panel h2") == "Vision Transformers at Scale"

    # a paper's facts from its source
    facts = page.text_content("#panel .paper-facts")
    for text in ("10.1234/vit.g", "ICLR 2024", "cs.CV (primary), cs.LG", "42 upvotes · 3 comments", "12 pages"):
        assert text in facts
    hrefs = page.eval_on_selector_all("#panel .paper-facts a", "els => els.map(a => a.href)")
    assert hrefs == ["https://doi.org/10.1234/vit.g", "https://github.com/example/vit-g", "https://vit-g.example.org/"]

    # a dataset's panel shows its family's leaderboard; a variant's panel too
    for name in ("ImageNet", "ImageNet-1K"):
        index = page.evaluate(f"window.kg.data.nodes.findIndex(n => n.name === {name!r})")
        page.evaluate(f"window.kg.select({index}, false)")
        assert page.text_content("#panel h2") == name
        assert len(page.query_selector_all("#panel .board .board-row")) == 2
    # an entity's sparkline: ViT-G in papers of 2024-01 and 2024-03 (none in 2024-02)
    vit = page.evaluate("window.kg.data.nodes.findIndex(n => n.name === 'ViT-G')")
    assert page.evaluate(f"window.kg.data.nodes[{vit}].trend") == [1, 0, 1]
    page.evaluate(f"window.kg.select({vit}, false)")
    assert page.query_selector("#panel .spark svg polyline") is not None
    assert "2024-01 … 2024-03" in page.text_content("#panel .spark")

    assert page.evaluate("document.querySelectorAll('img, iframe').length") == 0
    assert browser.blocked == [] and browser.errors == [] and browser.dialogs == []
