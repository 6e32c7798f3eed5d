"""Render the samples graph and photograph it in headless Chromium for the README.

    .venv/bin/python scripts/screenshots.py [--graph out/graph.json] [--focus NAME] [--out docs/screenshots]

Writes graph.png (the whole graph) and focus.png (one method's neighbourhood, its details open).
Without --focus the method in the most papers is chosen. Without the graph file (made by
``kg build examples/hf-papers -o out/graph.json``) a synthetic graph stands in, with a warning.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import networkx as nx

from kg.bench.render import chromium_page, synthetic_graph, time_to_ready
from kg.graph.formats import read_graph
from kg.render.html import render_html


def busiest_method(graph: nx.MultiDiGraph) -> str:
    methods = [(len(a.get("papers") or ()), graph.degree(n), n) for n, a in graph.nodes(data=True)
               if a.get("type") == "Method"]
    if not methods:
        raise SystemExit("the graph has no Method node to focus on; pass --focus")
    return str(graph.nodes[max(methods)[2]]["name"])


def shoot(graph: nx.MultiDiGraph, out: Path, focus: str, size: tuple[int, int]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, chromium_page(*size) as page:
        whole = Path(tmp) / "graph.html"
        render_html(graph, whole, title="paper-kg: Hugging Face trending papers")
        time_to_ready(page, whole)
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "graph.png"))

        focused = Path(tmp) / "focus.html"
        report = render_html(graph, focused, focus=focus, depth=2, title=f"paper-kg: around {focus}")
        time_to_ready(page, focused)
        page.evaluate("window.kg.select(window.kg.data.focus[0], false)")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "focus.png"))
        print(f"graph.png: {graph.number_of_nodes():,} nodes; focus.png: {focus!r}, {report.nodes:,} nodes")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", type=Path, default=Path("out/graph.json"))
    ap.add_argument("--focus", help="node name or alias for focus.png (default: busiest method)")
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    ap.add_argument("--size", default="1600x1000", help="viewport WIDTHxHEIGHT")
    args = ap.parse_args()
    if args.graph.exists():
        graph = read_graph(args.graph)
    else:
        print(f"warning: {args.graph} not found; photographing a synthetic graph instead", file=sys.stderr)
        graph = synthetic_graph(60)
    width, height = (int(v) for v in args.size.split("x"))
    shoot(graph, args.out, args.focus or busiest_method(graph), (width, height))


if __name__ == "__main__":
    main()
