"""Headless Chromium for the HTML tests: Debian's /usr/bin/chromium driven by Playwright, offline.

Install the browser with ``apt-get install -y chromium``. Without it the browser tests are
skipped with the reason, except under CI (env CI set), where they fail.
Every request that is not a file: URL is aborted and recorded, so a test can assert that a page
asked the network for nothing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

XSS_TITLE = "<img src=x onerror=alert(1)>"
XSS_TEXT = "</script><script>alert(2)</script>"


@dataclass
class Browser:
    """One page plus what it tried: blocked requests, dialogs, script errors."""

    page: object
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: Path, timeout_ms: int = 60_000) -> None:
        """Load a rendered page and wait until its layout is final."""
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("window.kg && window.kg.ready === true", timeout=timeout_ms)


def watch(context, page, seen, allowed: str) -> None:
    """Record on ``seen`` (its blocked, dialogs, errors lists) every request outside ``allowed``
    (a URL prefix), which is refused, every dialog, dismissed, and every script error."""

    def route(r) -> None:
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            seen.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)

    def on_dialog(dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda err: seen.errors.append(str(err)))


def _require_chromium() -> None:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    reason = f"{CHROMIUM} not found: apt-get install -y chromium"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    _require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium) -> Iterator[Browser]:
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    seen = Browser(page)
    watch(context, page, seen, allowed="file:")
    yield seen
    context.close()


def hostile_graph() -> nx.MultiDiGraph:
    """A tiny graph whose strings try to break out of the page: title, abstract, evidence, url."""
    g = nx.MultiDiGraph()
    pid = "Paper:evil"
    g.add_node(pid, type="Paper", name=XSS_TITLE, key="evil", title=XSS_TITLE,
               abstract=f"An abstract with {XSS_TEXT} inside.", url="javascript:alert(3)",
               authors=[], sources=["x.txt:1"])
    g.add_node("Method:clip", type="Method", name="CLIP", key="clip", aliases=["Contrastive Language-Image Pre-training", XSS_TEXT],
               papers=["evil"], confidence=0.9, proposed_by=["evil"])
    sentence = f"We propose CLIP {XSS_TEXT} \u2028 done."
    g.add_edge(pid, "Method:clip", key="PROPOSES", type="PROPOSES", papers=["evil"], support=1, confidence=0.9,
               evidence=[{"paper": "evil", "field": "abstract", "sentence": sentence, "sentence_start": 100,
                          "head": None, "tail": [111, 115], "extractor": "kg_rules", "confidence": 0.9}])
    return g


def corpus_graph(papers: int) -> nx.MultiDiGraph:
    """``papers`` papers, each proposing its own method, using a shared one, on a shared dataset."""
    g = nx.MultiDiGraph()
    shared = {"Method:transformer": ("Method", "Transformer"), "Dataset:imagenet": ("Dataset", "ImageNet"),
              "Task:image-classification": ("Task", "image classification")}
    for nid, (t, name) in shared.items():
        g.add_node(nid, type=t, name=name, key=nid.split(":", 1)[1], aliases=[], papers=[], confidence=0.9,
                   proposed_by=[])
    for i in range(papers):
        key = f"p{i}"
        pid = f"Paper:{key}"
        g.add_node(pid, type="Paper", name=f"Paper {i}", key=key, title=f"Paper {i}", abstract="",
                   url=f"https://arxiv.org/abs/2410.{i:05d}", authors=[], sources=[f"x.txt:{i + 1}"])
        own = f"Method:m{i}"
        g.add_node(own, type="Method", name=f"Method {i}", key=f"m{i}", aliases=[f"M{i}"], papers=[key],
                   confidence=0.8, proposed_by=[key])
        targets = [(own, "PROPOSES"), (list(shared)[i % 3], {0: "USES", 1: "EVALUATES_ON", 2: "ADDRESSES"}[i % 3])]
        for target, rel in targets:
            g.nodes[target]["papers"] = sorted(set(g.nodes[target]["papers"]) | {key})
            ev = {"paper": key, "field": "title", "sentence": f"Paper {i}", "sentence_start": 0, "head": None,
                  "tail": [0, 5], "extractor": "test", "confidence": 0.8}
            g.add_edge(pid, target, key=rel, type=rel, papers=[key], support=1, confidence=0.8, evidence=[ev])
    return g
