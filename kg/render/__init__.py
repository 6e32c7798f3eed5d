"""Render a graph as a self-contained, offline HTML page (vis-network inlined)."""

from kg.render.html import RenderReport, render_html
from kg.render.select import Selection, find_focus, select_subgraph

__all__ = ["RenderReport", "Selection", "find_focus", "render_html", "select_subgraph"]
