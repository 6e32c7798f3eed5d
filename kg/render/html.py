"""Write a graph as one self-contained HTML page: vis-network, our script and the data inlined.

The page needs no network: vis-network is vendored in ``templates/`` and every byte of the page
comes from this package or from the graph. Graph data goes in as JSON inside a
``<script type="application/json">`` block with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped,
so no input string can close the script; the page script builds the DOM with textContent only.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import networkx as nx

from kg.graph.build import PAPER_PROPERTIES
from kg.io.atomic import atomic_write
from kg.io.strict_json import finite
from kg.render.boards import analysis_data
from kg.render.layout import layout_positions
from kg.render.select import Selection, paper_count, select_subgraph
from kg.schema import NODE_TYPES, RELATION_TYPES

# Each edge keeps at most this many evidence sentences in the page; more only repeat the point
# and a well-supported edge in a big corpus would otherwise dominate the file size.
MAX_EVIDENCE_PER_EDGE = 12
# Paper abstracts are shown in the side panel; very long ones are cut to keep the page small.
MAX_ABSTRACT_CHARS = 3000

_TEMPLATES = "kg.render.templates"


@dataclass
class RenderReport:
    """What was written: counts shown, counts dropped and why, the file's size."""

    path: Path
    nodes: int
    edges: int
    total_nodes: int
    total_edges: int
    bytes: int
    notes: list[str] = field(default_factory=list)

    @property
    def dropped_nodes(self) -> int:
        return self.total_nodes - self.nodes

    @property
    def dropped_edges(self) -> int:
        return self.total_edges - self.edges

    def summary(self) -> str:
        """One line for the CLI, e.g. ``… 300 of 1,200 nodes …; kept 300 … (most connected); dropped 900``."""
        head = f"wrote {self.path} ({self.bytes / 1e6:.1f} MB): "
        if not self.dropped_nodes and not self.dropped_edges:
            return head + f"{self.nodes:,} nodes, {self.edges:,} edges"
        counts = f"{self.nodes:,} of {self.total_nodes:,} nodes, {self.edges:,} of {self.total_edges:,} edges"
        return head + "; ".join([counts, *self.notes])


def render_html(
    graph: nx.MultiDiGraph,
    path: str | Path,
    *,
    focus: str | None = None,
    depth: int = 2,
    types: list[str] | None = None,
    min_papers: int = 0,
    max_nodes: int | None = None,
    title: str | None = None,
) -> RenderReport:
    """Select the part of ``graph`` to show and write it as a single offline HTML file."""
    selection = select_subgraph(
        graph, focus=focus, depth=depth, types=types, min_papers=min_papers, max_nodes=max_nodes
    )
    page_title = title or (f"paper-kg: {focus}" if focus else "paper-kg graph")
    page = page_html(graph, selection, page_title)
    data = page.encode("utf-8")
    target = Path(path)
    with atomic_write(target, "wb") as fh:
        fh.write(data)
    return RenderReport(
        path=target,
        nodes=selection.graph.number_of_nodes(),
        edges=selection.graph.number_of_edges(),
        total_nodes=selection.total_nodes,
        total_edges=selection.total_edges,
        bytes=len(data),
        notes=selection.notes,
    )


def page_html(full: nx.MultiDiGraph, selection: Selection, title: str) -> str:
    """The whole page as a string."""
    payload = page_data(full, selection, title)
    parts = {
        "TITLE": html.escape(title),
        "STYLE": _template("page.css"),
        "VIS": _template("vis-network.min.js"),
        "APP": _template("page.js"),
        "DATA": script_json(payload),
    }
    return _fill(_template("page.html"), parts)


def script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element: no '<', '>', '&', U+2028, U+2029 left."""
    text = json.dumps(finite(value), ensure_ascii=False, separators=(",", ":"), default=str, allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def page_data(full: nx.MultiDiGraph, selection: Selection, title: str) -> dict[str, Any]:
    """Everything the page script needs, as plain JSON-able data."""
    g = selection.graph
    positions = layout_positions(g)
    index = {n: i for i, n in enumerate(g.nodes)}
    ref = _PaperRef(full)
    nodes = [_node_data(n, a, positions.get(n), ref) for n, a in g.nodes(data=True)]
    results = _results(full, index, nodes, ref)
    edges = [_edge_data(index, u, v, k, a, ref) for u, v, k, a in g.edges(keys=True, data=True)]
    analysis, board_papers = analysis_data(full, index, nodes, ref)
    present_types = {a.get("type") for _, a in g.nodes(data=True)}
    present_rels = {a.get("type") or k for _, _, k, a in g.edges(keys=True, data=True)}
    return {
        "title": title,
        "generated": generated(),
        "counts": {
            "nodes": g.number_of_nodes(),
            "edges": g.number_of_edges(),
            "totalNodes": selection.total_nodes,
            "totalEdges": selection.total_edges,
            "papers": sum(1 for _, a in full.nodes(data=True) if a.get("type") == "Paper"),
        },
        "notes": selection.notes,
        "focus": [index[n] for n in selection.focus_nodes if n in index],
        "laidOut": bool(positions),
        "nodeTypes": {
            name: {"color": t.color, "shape": t.shape, "description": t.description}
            for name, t in NODE_TYPES.items()
            if name in present_types
        },
        "relationTypes": {
            name: {"color": r.color, "description": r.description}
            for name, r in RELATION_TYPES.items()
            if name in present_rels
        },
        # Papers and their links are looked up from the full graph: a focused view still
        # names the papers behind a node even when the Paper nodes themselves are filtered out;
        # only the papers the view refers to are embedded.
        "papers": _papers(full, _referenced(nodes, edges, results) | board_papers),
        "results": results,
        **analysis,
        "nodes": nodes,
        "edges": edges,
    }


class _PaperRef:
    """Maps what graphs store in ``papers`` lists (a paper's id or its bare key) to its node id."""

    def __init__(self, full: nx.MultiDiGraph) -> None:
        self._by_key = {
            str(a.get("key")): n
            for n, a in full.nodes(data=True)
            if a.get("type") == "Paper" and a.get("key") is not None
        }
        self._ids = {n for n, a in full.nodes(data=True) if a.get("type") == "Paper"}

    def __call__(self, paper: Any) -> str:
        text = str(paper)
        return text if text in self._ids else self._by_key.get(text, text)

    def all(self, papers: Any) -> list[str]:
        return [self(p) for p in papers or ()]


def _node_data(node_id: str, attrs: dict, pos: tuple[float, float] | None, ref: _PaperRef) -> dict[str, Any]:
    node_type = attrs.get("type") if attrs.get("type") in NODE_TYPES else "Website"
    name = attrs.get("title") if node_type == "Paper" else attrs.get("name")
    out: dict[str, Any] = {
        "id": node_id,
        "type": node_type,
        "name": str(name or attrs.get("name") or node_id),
        "papers": paper_count(attrs),
    }
    if pos is not None:
        out["x"], out["y"] = round(pos[0], 1), round(pos[1], 1)
    for key in ("aliases", "authors", "sources"):
        if attrs.get(key):
            out[key] = [str(v) for v in attrs[key]]
    if attrs.get("proposed_by"):
        out["proposed_by"] = ref.all(attrs["proposed_by"])
    if attrs.get("papers"):
        out["paperIds"] = ref.all(attrs["papers"])
    if _safe_url(attrs.get("url")):
        out["url"] = attrs["url"]
    for key in (
        "confidence",
        "date",
        "arxiv_id",
        "metric_name",
        "value",
        "value_text",
        "unit",
        "kind",
        "direction",
        "range_high",
        *PAPER_PROPERTIES,
    ):
        if attrs.get(key) is not None and attrs.get(key) != "":
            out[key] = attrs[key]
    if attrs.get("paper"):
        out["paperIds"] = [ref(attrs["paper"])]
    if node_type == "Paper" and attrs.get("abstract"):
        out["abstract"] = str(attrs["abstract"])[:MAX_ABSTRACT_CHARS]
    return out


def _edge_data(index: dict[str, int], u: str, v: str, key: str, attrs: dict, ref: _PaperRef) -> dict[str, Any]:
    evidence = list(attrs.get("evidence") or ())
    out: dict[str, Any] = {
        "from": index[u],
        "to": index[v],
        "type": attrs.get("type") or key,
        "support": attrs.get("support", len(attrs.get("papers") or ())),
        "confidence": attrs.get("confidence"),
        "paperIds": ref.all(attrs.get("papers")),
        "evidence": [_evidence_data(e, ref) for e in evidence[:MAX_EVIDENCE_PER_EDGE] if isinstance(e, dict)],
    }
    if len(evidence) > MAX_EVIDENCE_PER_EDGE:
        out["moreEvidence"] = len(evidence) - MAX_EVIDENCE_PER_EDGE
    return out


def _evidence_data(ev: dict, ref: _PaperRef) -> dict[str, Any]:
    """One evidence record with its argument spans made relative to the sentence."""
    sentence = str(ev.get("sentence") or "")
    start = ev.get("sentence_start") or 0
    spans = []
    for role in ("head", "tail"):
        span = _relative_span(ev.get(role), start, len(sentence))
        if span is not None:
            spans.append([span[0], span[1], role])
    return {
        "paper": ref(ev["paper"]) if ev.get("paper") else None,
        "field": ev.get("field"),
        "sentence": sentence,
        "spans": sorted(spans),
        "extractor": ev.get("extractor"),
        "confidence": ev.get("confidence"),
    }


def _relative_span(span: Any, offset: int, length: int) -> tuple[int, int] | None:
    if not isinstance(span, (list, tuple)) or len(span) != 2:
        return None
    try:
        s, e = int(span[0]) - int(offset), int(span[1]) - int(offset)
    except (TypeError, ValueError):
        return None
    return (s, e) if 0 <= s < e <= length else None


_RESULT_LINKS = {"OF_METRIC": "metric", "ON_DATASET": "dataset", "BY_METHOD": "method"}


def _results(full: nx.MultiDiGraph, index: dict[str, int], nodes: list[dict], ref: _PaperRef) -> list[dict]:
    """Every Result of the full graph that touches a shown node, listed on that node.

    Taken from the full graph so a Method still lists its numbers when Result nodes are filtered.
    """
    results: list[dict[str, Any]] = []
    for rid, a in full.nodes(data=True):
        if a.get("type") != "Result":
            continue
        linked = {rid}
        entry: dict[str, Any] = {
            "id": rid,
            "metric": a.get("metric_name"),
            "value_text": str(a.get("value_text") if a.get("value_text") is not None else a.get("value")),
        }
        for key in ("unit", "kind", "direction"):
            if a.get(key) is not None:
                entry[key] = a[key]
        if a.get("paper"):
            entry["paper"] = ref(a["paper"])
        for _, target, k in full.out_edges(rid, keys=True):
            if k in _RESULT_LINKS:
                entry[_RESULT_LINKS[k]] = str(full.nodes[target].get("name") or target)
                linked.add(target)
        if a.get("paper"):
            linked.add(ref(a["paper"]))
        linked.update(source for source, _, k in full.in_edges(rid, keys=True) if k == "REPORTS")
        shown = [index[n] for n in linked if n in index]
        if not shown:
            continue
        for i in shown:
            nodes[i].setdefault("results", []).append(len(results))
        results.append(entry)
    return results


def generated() -> str:
    """When the page was made; ``SOURCE_DATE_EPOCH`` fixes it (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = datetime.now(UTC)
    if epoch:
        try:
            when = datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            pass
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _referenced(nodes: list[dict], edges: list[dict], results: list[dict]) -> set[str]:
    """The paper ids the page's nodes, edges, evidence and results refer to."""
    ids: set[str] = set()
    for n in nodes:
        if n["type"] == "Paper":
            ids.add(n["id"])
        ids.update(n.get("paperIds", ()), n.get("proposed_by", ()))
    for e in edges:
        ids.update(e["paperIds"])
        ids.update(ev["paper"] for ev in e["evidence"] if ev.get("paper"))
    ids.update(r["paper"] for r in results if r.get("paper"))
    return ids


def _papers(full: nx.MultiDiGraph, wanted: set[str]) -> dict[str, dict[str, Any]]:
    """Paper id → title, url and the repositories / pages it links to, for the ``wanted`` ids."""
    papers: dict[str, dict[str, Any]] = {}
    for n, a in full.nodes(data=True):
        if a.get("type") != "Paper" or n not in wanted:
            continue
        entry: dict[str, Any] = {"title": str(a.get("title") or a.get("name") or n)}
        if _safe_url(a.get("url")):
            entry["url"] = a["url"]
        links = []
        for _, target, k in full.out_edges(n, keys=True):
            t = full.nodes[target]
            if k in ("HAS_CODE", "HAS_PAGE") and _safe_url(t.get("url")):
                links.append({"id": target, "name": str(t.get("name") or target), "url": t["url"]})
        if links:
            entry["links"] = links
        papers[n] = entry
    return papers


def _safe_url(url: Any) -> bool:
    """Only http(s) links become hrefs: a ``javascript:`` URL from input must never be clickable."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _template(name: str) -> str:
    return resources.files(_TEMPLATES).joinpath(name).read_text(encoding="utf-8")


def _fill(template: str, parts: dict[str, str]) -> str:
    """Replace each ``{{NAME}}`` marker once, scanning the template only (never the inserted text)."""
    out: list[str] = []
    rest = template
    while (start := rest.find("{{")) != -1:
        end = rest.find("}}", start)
        name = rest[start + 2 : end]
        if end == -1 or name not in parts:
            out.append(rest[: start + 2])
            rest = rest[start + 2 :]
            continue
        out.append(rest[:start])
        out.append(parts[name])
        rest = rest[end + 2 :]
    out.append(rest)
    return "".join(out)
