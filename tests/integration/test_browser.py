"""The rendered page in real headless Chromium with the network cut: it draws, it is explorable,
hostile strings stay text."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.render.html import render_html

from .browser_fixtures import XSS_TEXT, XSS_TITLE, browser, chromium, corpus_graph, hostile_graph  # noqa: F401

pytestmark = pytest.mark.browser

DRAWN_PIXELS = """() => {
  const canvas = document.querySelector('#graph canvas');
  const ctx = canvas.getContext('2d');
  const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) drawn++;
  return drawn;
}"""


def test_page_draws_every_node_offline(browser, tmp_path: Path) -> None:
    graph = corpus_graph(40)
    path = tmp_path / "graph.html"
    render_html(graph, path)
    browser.open(path)
    assert browser.page.evaluate("window.kg.nodes.length") == graph.number_of_nodes()
    assert browser.page.evaluate("window.kg.edges.length") == graph.number_of_edges()
    assert browser.page.evaluate(DRAWN_PIXELS) > 2000  # the canvas is not blank
    assert browser.page.evaluate("window.kg.network.physics.options.enabled") is False
    assert browser.blocked == []
    assert browser.errors == []


def test_hostile_strings_are_shown_as_text(browser, tmp_path: Path) -> None:
    path = tmp_path / "evil.html"
    render_html(hostile_graph(), path, title=XSS_TITLE)
    browser.open(path)
    page = browser.page
    assert page.title() == XSS_TITLE
    assert page.text_content("#title") == XSS_TITLE

    paper = page.evaluate("window.kg.data.nodes.findIndex(n => n.type === 'Paper')")
    page.evaluate(f"window.kg.select({paper}, false)")
    assert page.text_content("#panel h2") == XSS_TITLE
    assert XSS_TEXT in page.text_content("#panel .abstract")

    page.evaluate("window.kg.selectEdge(0)")
    sentence = page.text_content("#panel .sentence")
    assert XSS_TEXT in sentence
    assert page.text_content("#panel .sentence mark.tail") == "CLIP"
    assert page.text_content("#panel .meta") is not None

    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 3  # data, vis, page
    hrefs = page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.href)")
    assert not [h for h in hrefs if h.startswith("javascript:")]
    page.wait_for_timeout(200)
    assert browser.dialogs == []
    assert browser.errors == []


def test_search_by_alias_selects_and_filters_hide_types(browser, tmp_path: Path) -> None:
    graph = corpus_graph(12)
    path = tmp_path / "graph.html"
    render_html(graph, path)
    browser.open(path)
    page = browser.page
    page.fill("#search", "m7")
    assert page.text_content("#search-results li.active .match-name") == "Method 7"
    page.press("#search", "Enter")
    assert page.text_content("#panel h2") == "Method 7"
    assert page.evaluate("window.kg.network.getSelectedNodes().map(i => window.kg.data.nodes[i].id)") == ["Method:m7"]

    methods = sum(1 for _, a in graph.nodes(data=True) if a["type"] == "Method")
    page.uncheck("input[data-group=node][data-name=Method]")
    shown = page.evaluate("window.kg.network.body.nodeIndices.length")
    assert shown == graph.number_of_nodes() - methods


def test_clicking_a_node_opens_its_details(browser, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    render_html(corpus_graph(6), path)
    browser.open(path)
    page = browser.page
    assert page.is_hidden("#panel")
    index = page.evaluate("window.kg.data.nodes.findIndex(n => n.id === 'Method:transformer')")
    pos = page.evaluate(f"window.kg.network.canvasToDOM(window.kg.network.getPosition({index}))")
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    assert page.text_content("#panel h2") == "Transformer"
    titles = page.evaluate("Array.from(document.querySelectorAll('#panel li a')).map(a => a.textContent)")
    assert "Paper 0" in titles and "Paper 3" in titles


def test_a_large_graph_opens_and_stands_still(browser, tmp_path: Path) -> None:
    graph = corpus_graph(1200)  # 3,600 nodes
    path = tmp_path / "big.html"
    render_html(graph, path)
    browser.open(path, timeout_ms=120_000)
    assert browser.page.evaluate("window.kg.nodes.length") == graph.number_of_nodes()
    before = browser.page.evaluate("JSON.stringify(window.kg.network.getPositions([0, 1, 2]))")
    browser.page.wait_for_timeout(500)
    after = browser.page.evaluate("JSON.stringify(window.kg.network.getPositions([0, 1, 2]))")
    assert before == after


def test_a_focused_view_opens_on_its_focus(browser, tmp_path: Path) -> None:
    path = tmp_path / "focus.html"
    render_html(corpus_graph(9), path, focus="m4", depth=1)
    browser.open(path)
    assert browser.page.text_content("#panel h2") == "Method 4"
    assert "focus 'm4'" in browser.page.text_content("#notes")


def test_hover_tooltips_are_plain_text(browser, tmp_path: Path) -> None:
    path = tmp_path / "evil.html"
    render_html(hostile_graph(), path)
    browser.open(path)
    page = browser.page
    paper = page.evaluate("window.kg.data.nodes.findIndex(n => n.type === 'Paper')")
    tooltip = page.evaluate(f"window.kg.network.body.data.nodes.get({paper}).title")
    assert isinstance(tooltip, str) and tooltip.startswith(XSS_TITLE)
    edge = page.evaluate("window.kg.network.body.data.edges.get(0).title")
    assert XSS_TEXT in edge or "CLIP" in edge
    pos = page.evaluate(f"window.kg.network.canvasToDOM(window.kg.network.getPosition({paper}))")
    box = page.locator("#graph").bounding_box()
    page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    assert page.text_content("div.vis-tooltip").startswith(XSS_TITLE)
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert browser.dialogs == [] and browser.errors == []
