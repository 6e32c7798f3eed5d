"""kg.to_pyvis and kg.show: a pyvis Network and an inline view, offline and escaped.
(tests/integration/test_serve_browser.py draws both in Chromium.)"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest
from test_serve import XSS, XSS_SCRIPT, serve_graph

import kg
from kg.errors import KgError

VIS = (Path(kg.__file__).parent / "render" / "templates" / "vis-network.min.js").read_text(encoding="utf-8")


def _external(page: str) -> list[str]:
    """Every src= or href= in the page's markup (the inlined script's text aside)."""
    return re.findall(r"""<[^>]+\s(?:src|href)\s*=\s*["']?([^"'\s>]+)""", page.replace(VIS.strip(), ""))


def test_to_pyvis_is_a_network_of_the_focus():
    from pyvis.network import Network

    net = kg.to_pyvis(serve_graph(), focus="ImageNet", depth=1)
    assert isinstance(net, Network)
    ids = {n["id"] for n in net.nodes}
    assert "Dataset:imagenet" in ids and "Paper:p0" in ids and "Method:clip" not in ids
    assert {e["title"] for e in net.edges} == {"EVALUATES_ON", "ON_DATASET", "REPORTS"}
    assert len(kg.to_pyvis(serve_graph(), max_nodes=5).nodes) == 5
    with pytest.raises(KgError, match="matches no node"):
        kg.to_pyvis(serve_graph(), focus="no such thing")


def test_pyvis_page_is_offline_and_escaped(tmp_path: Path):
    net = kg.to_pyvis(serve_graph(), max_nodes=None)
    page = net.generate_html()
    assert VIS.strip() in page  # the vendored vis-network, inlined
    assert _external(page) == [] and "cdn" not in page.replace(VIS.strip(), "").lower()
    assert page.count("<script") == 5 and page.count("</script>") == 5  # vis, nodes, edges, options, init
    assert XSS not in page and XSS_SCRIPT not in page
    net.write_html(str(tmp_path / "net.html"))
    assert (tmp_path / "net.html").read_text(encoding="utf-8") == page


def test_show_is_a_self_contained_iframe(tmp_path: Path):
    view = kg.show(serve_graph(), focus="CLIP")
    out = view._repr_html_()
    assert out.startswith("<iframe srcdoc=") and out.count("<") == 2  # the iframe and its end tag only
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', out).group(1))
    assert page == view.html and VIS.strip() in page and _external(page) == []
    assert XSS not in page and XSS_SCRIPT not in page
    assert view.save(tmp_path / "v.html").read_text(encoding="utf-8") == page


def test_without_pyvis_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyvis.network", None)  # as if the extra were not installed
    with pytest.raises(KgError, match=re.escape("pip install 'paper-kg[pyvis]'")):
        kg.to_pyvis(serve_graph())
