"""Graphs in notebooks: :func:`to_pyvis` for a ``pyvis.network.Network``, :func:`show` for an
inline, self-contained view (``_repr_html_``) that Jupyter displays as it is.

Both draw a selection of the graph (:func:`kg.render.select.select_subgraph`: a focus and its
neighbourhood, then the most connected ``max_nodes``), never the whole of a big graph. Nothing
is fetched from a CDN: the pyvis page inlines the vis-network the project vendors
(kg/render/templates) through its own template (kg/serve/templates/notebook.html), and
:func:`show` embeds the static page of ``kg render`` in an iframe's ``srcdoc``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KgError
from kg.io.atomic import atomic_write
from kg.render.select import paper_count, select_subgraph
from kg.schema import NODE_TYPES, RELATION_TYPES

__all__ = ["DEFAULT_MAX_NODES", "InlineGraph", "show", "to_pyvis"]

DEFAULT_MAX_NODES = 300
_TEMPLATE = "notebook.html"
_KG = Path(__file__).resolve().parent


def _selection(
    graph: nx.MultiDiGraph, focus: str | None, depth: int, types: Iterable[str] | None, max_nodes: int | None
):
    try:
        return select_subgraph(graph, focus=focus, depth=depth, types=types, max_nodes=max_nodes)
    except ValueError as err:  # a focus or type not in the graph: the message says which
        raise KgError(str(err)) from None


def _label(node_id: str, attrs: dict[str, Any]) -> str:
    name = attrs.get("title") if attrs.get("type") == "Paper" else attrs.get("name")
    text = str(name or node_id)
    return text if len(text) <= 40 else text[:39] + "…"


def to_pyvis(
    graph: nx.MultiDiGraph,
    focus: str | None = None,
    depth: int = 1,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    *,
    types: Iterable[str] | None = None,
    height: str = "750px",
) -> Any:
    """A ``pyvis.network.Network`` of the graph (or of ``focus`` and its ``depth``-hop neighbourhood).

    Its ``write_html(path)`` / ``generate_html()`` give an offline page through the project's
    template, with the vendored vis-network inlined. Needs the extra: pip install 'paper-kg[pyvis]'.
    """
    try:
        from jinja2 import Environment, FileSystemLoader
        from pyvis.network import Network  # type: ignore[import-untyped]
    except ImportError:
        raise KgError("kg.to_pyvis needs the pyvis extra: pip install 'paper-kg[pyvis]'") from None
    sub = _selection(graph, focus, depth, types, max_nodes).graph
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line", heading="")
    for n, a in sub.nodes(data=True):
        t = NODE_TYPES.get(str(a.get("type")), NODE_TYPES["Website"])
        papers = paper_count(a) or 1
        # title is a plain string: the vendored vis-network (10.x) shows it as text, never as HTML
        net.add_node(
            n,
            label=_label(n, a),
            shape=t.shape,
            color=t.color,
            size=8 + min(22, 4 * papers**0.5),
            title=f"{t.name}: {_label(n, a)}",
        )
    for u, v, k, a in sub.edges(keys=True, data=True):
        rel = str(a.get("type") or k)
        color = RELATION_TYPES[rel].color if rel in RELATION_TYPES else "#999999"
        net.add_edge(u, v, title=rel, color=color)
    dirs = [str(_KG / "serve" / "templates"), str(_KG / "render" / "templates")]
    net.templateEnv = Environment(loader=FileSystemLoader(dirs), autoescape=True)
    net.path = _TEMPLATE
    net.template = net.templateEnv.get_template(_TEMPLATE)
    return net


@dataclass
class InlineGraph:
    """A graph view for Jupyter: ``_repr_html_`` is an iframe whose ``srcdoc`` holds the whole page."""

    html: str
    height: int = 650

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd" title="paper-kg graph"></iframe>'
        )

    def save(self, path: str | Path) -> Path:
        """Write the page itself (what ``kg render`` writes) to ``path``."""
        with atomic_write(Path(path), "wb") as fh:
            fh.write(self.html.encode("utf-8"))
        return Path(path)


def show(
    graph: nx.MultiDiGraph,
    focus: str | None = None,
    depth: int = 1,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    *,
    types: Iterable[str] | None = None,
    title: str | None = None,
    height: int = 650,
) -> InlineGraph:
    """The graph, or ``focus`` and its neighbourhood, as the static page inline in a notebook.

    Self-contained (vis-network, the script and the data are in the page), so it shows in a
    notebook opened offline or exported to HTML.
    """
    from kg.render.html import page_html

    selection = _selection(graph, focus, depth, types, max_nodes)
    page_title = title or (f"paper-kg: {focus}" if focus else "paper-kg graph")
    return InlineGraph(page_html(graph, selection, page_title), height)
