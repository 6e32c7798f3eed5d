"""Render a graph as a self-contained, offline HTML page (vis-network inlined)."""

from kg.render.html import RenderReport, render_html
from kg.render.select import Selection, select_subgraph

__all__ = ["RenderReport", "Selection", "render_html", "select_subgraph"]
