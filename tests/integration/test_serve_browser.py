"""kg serve in real headless Chromium: search → entity → expand → paper page; hostile strings stay
text; the entity page of the samples' most connected node is drawn and still quickly. Every request
that does not go to the test server is aborted and recorded."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from test_serve import XSS, XSS_SCRIPT, serve_graph

from kg.serve.analysis import analysis_for
from kg.serve.app import create_app
from kg.serve.file_backend import FileBackend
from kg.serve.server import ThreadedServer

from .browser_fixtures import chromium, watch  # noqa: F401

pytestmark = pytest.mark.browser

READY = "() => window.kgServe && window.kgServe.ready === true"
DRAWN_PIXELS = """() => {
  const canvas = document.querySelector('#graph canvas');
  const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) drawn++;
  return drawn;
}"""


@dataclass
class Tab:
    page: object
    url: str
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> float:
        """Load ``path`` and wait until the app says it is drawn; the seconds that took."""
        started = time.perf_counter()
        self.page.goto(self.url + path)
        self.page.wait_for_function(READY, timeout=30_000)
        return time.perf_counter() - started


def _tab(browser_, url: str) -> Iterator[Tab]:
    context = browser_.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    tab = Tab(page, url)
    watch(context, page, tab, allowed=url + "/")
    page.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)  # CSP refusals too
    yield tab
    context.close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    backend = FileBackend(serve_graph())
    with ThreadedServer(create_app(backend, analysis=analysis_for(backend))) as url:
        yield url


@pytest.fixture
def tab(chromium, server) -> Iterator[Tab]:  # noqa: F811
    yield from _tab(chromium, server)


def _click_node(tab: Tab, node_id: str) -> None:
    box = tab.page.locator("#graph canvas").bounding_box()
    at = tab.page.evaluate(
        "id => { const n = window.kgServe.network; return n.canvasToDOM(n.getPositions([id])[id]); }", node_id
    )
    tab.page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


def test_search_entity_expand_paper(tab: Tab) -> None:
    page = tab.page
    tab.open("/")
    page.fill("#search", "contrastive language")
    page.wait_for_selector("#search-results li[data-id]")
    assert page.text_content("#search-results li[data-id] .match-name") == "CLIP"
    page.press("#search", "Enter")
    page.wait_for_url("**/entity/Method%3Aclip")
    page.wait_for_function(READY)
    assert page.title() == "CLIP · paper-kg"
    assert page.evaluate("window.kgServe.nodes.length") == 15  # CLIP and its 14 neighbours
    assert page.evaluate(DRAWN_PIXELS) > 2000
    assert page.text_content("#panel h2") == "CLIP"
    page.wait_for_selector("#panel .results li")
    assert "76.2%" in page.text_content("#panel .results li")

    _click_node(tab, "Paper:p0")  # expands it: its repository, dataset and result join the drawing
    page.wait_for_function("() => window.kgServe.nodes.get('Repository:github.com/a/clip') !== null")
    page.wait_for_function("() => document.querySelector('#panel h2').textContent === 'Study 0 of CLIP'")
    assert page.evaluate("window.kgServe.nodes.length") > 15
    assert page.evaluate("window.kgServe.network.getPositions(['Method:clip'])['Method:clip'].x") == 0  # nothing moved

    page.click("#panel h2 a")
    page.wait_for_url("**/paper/Paper%3Ap0")
    page.wait_for_function(READY)
    assert page.text_content(".paper-title") == "Study 0 of CLIP"
    marks = page.eval_on_selector_all(".abstract mark.ent a", "els => els.map(a => [a.textContent, a.pathname])")
    assert marks == [["CLIP", "/entity/Method%3Aclip"], ["ImageNet", "/entity/Dataset%3Aimagenet"]]
    assert "a/clip" in page.text_content(".links")
    page.wait_for_selector(".doc ul li .result-value")
    assert tab.blocked == [] and tab.errors == [] and tab.dialogs == []


def test_benchmarks_lead_to_a_dataset_and_its_leaderboard(tab: Tab) -> None:
    page = tab.page
    tab.open("/benchmarks")
    page.wait_for_selector(".doc li a")
    page.click(".doc li a")
    page.wait_for_url("**/entity/Dataset%3Aimagenet")
    page.wait_for_function(READY)
    page.wait_for_selector("#panel .leaderboards table.rows td.num")
    assert page.text_content("#panel .leaderboards td.num") == "76.2%"
    assert page.text_content("#panel .leaderboards h4") == "accuracy (higher is better)"
    tab.open("/trends?type=Dataset")
    page.wait_for_selector(".doc li")
    assert "12 dated papers" in page.text_content(".doc p.hint")
    assert tab.errors == [] and tab.blocked == []


def test_hostile_strings_are_inert(tab: Tab) -> None:
    page = tab.page
    tab.open("/paper/" + "Paper%3Aevil")
    assert page.title() == XSS + " · paper-kg"
    assert page.text_content(".paper-title") == XSS
    assert XSS_SCRIPT in page.text_content(".abstract")
    assert page.text_content(".abstract mark.ent") == XSS
    assert page.text_content(".meta") == XSS  # the authors line
    hrefs = page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.href)")
    assert not any(h.startswith("javascript:") for h in hrefs)

    tab.open("/entity/Method%3Aevil")
    assert page.text_content("#panel h2") == XSS
    assert XSS_SCRIPT in page.text_content("#panel .chips")
    _click_node(tab, "Method:clip")
    page.wait_for_function("() => document.querySelector('#panel h2').textContent === 'CLIP'")
    page.evaluate("window.kgServe.network.selectEdges([])")
    edge = page.evaluate("window.kgServe.edges.getIds().find(id => id.indexOf('OUTPERFORMS') >= 0)")
    assert edge
    page.fill("#search", "img src")
    page.wait_for_selector("#search-results li[data-id]")
    assert page.text_content("#search-results li[data-id] .match-name") == XSS
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 2  # vis-network, serve.js
    assert tab.dialogs == [] and tab.errors == [] and tab.blocked == []


def test_most_connected_sample_node_draws_quickly(chromium, sample_graph) -> None:  # noqa: F811
    hub = max(sample_graph.nodes, key=lambda n: (sample_graph.degree(n), n))
    with ThreadedServer(create_app(FileBackend(sample_graph))) as url:
        for tab in _tab(chromium, url):
            tab.open("/")  # the browser's first start is not the page's time
            seconds = tab.open("/entity/" + hub.replace(":", "%3A"))
            drawn = tab.page.evaluate("window.kgServe.nodes.length")
            still = tab.page.evaluate(
                "() => { const n = window.kgServe.network; return JSON.stringify(n.getPositions()); }"
            )
            time.sleep(0.3)
            again = tab.page.evaluate("JSON.stringify(window.kgServe.network.getPositions())")
            print(f"\nentity page of {hub} (degree {sample_graph.degree(hub)}): {drawn} nodes drawn and still in "
                  f"{seconds:.2f} s")
            assert still == again and tab.page.evaluate(DRAWN_PIXELS) > 2000
            assert seconds < 10  # the target is 2 s; the figure printed above is the measurement
            assert tab.errors == [] and tab.blocked == []


def _file_tab(chromium, path) -> Iterator[Tab]:  # noqa: F811
    """A tab for a file: page (the notebook views), the network cut."""
    yield from _tab(chromium, "file://")


def test_notebook_views_draw_offline(chromium, tmp_path) -> None:  # noqa: F811
    import kg

    net = kg.to_pyvis(serve_graph(), focus="CLIP")
    pyvis_page = tmp_path / "net.html"
    net.write_html(str(pyvis_page))
    inline = tmp_path / "cell.html"
    inline.write_text("<!doctype html><meta charset='utf-8'>" + kg.show(serve_graph(), focus="CLIP")._repr_html_(),
                      encoding="utf-8")
    for tab in _file_tab(chromium, tmp_path):
        tab.page.goto(pyvis_page.as_uri())
        tab.page.wait_for_function("() => window.kg && window.kg.ready === true", timeout=30_000)
        assert tab.page.evaluate("window.kg.nodes.length") == len(net.nodes)
        tab.page.goto(inline.as_uri())
        frame = tab.page.frames[1]
        frame.wait_for_function("() => window.kg && window.kg.ready === true", timeout=30_000)
        assert frame.evaluate("window.kg.data.nodes.length") == 15
        assert frame.text_content("#title") == "paper-kg: CLIP"
        assert tab.blocked == [] and tab.dialogs == [] and tab.errors == []
