"""The JSON API's answers, computed from a backend's primitives: one home for both backends.

Every list is a page: ``{"total", "offset", "limit", "items"}`` (the neighbourhood's ``nodes``
likewise), in a fixed order, so a page is the same whichever backend answers. Sizes are bounded
here (:data:`MAX_DEPTH`, :data:`MAX_LIMIT`, :data:`MAX_VISIT`), whatever a client asks for.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from kg.schema import NODE_TYPES, RELATION_TYPES
from kg.serve.backend import Attrs, Backend, Edge, paper_node_id, shown_name
from kg.serve.search import SearchIndex

MAX_DEPTH = 3
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000
# A neighbourhood stops growing past this many nodes (depth 3 around a hub is most of a graph).
MAX_VISIT = 20_000
EVIDENCE_PER_ENTITY = 3
_RESULT_LINKS = {"OF_METRIC": "metric", "ON_DATASET": "dataset", "BY_METHOD": "method"}
_REL_ORDER = {name: i for i, name in enumerate(RELATION_TYPES)}
_PAPER_FIELDS = (
    "date",
    "arxiv_id",
    "doi",
    "venue",
    "journal_ref",
    "primary_category",
    "comment",
    "upvotes",
    "num_comments",
)
_RESULT_FIELDS = ("metric_name", "value", "value_text", "unit", "kind", "direction", "range_high")


class ApiError(Exception):
    """A request the API answers with an error status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def safe_url(url: Any) -> str | None:
    """Only http(s) URLs are ever handed to a page as a link."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def page(items: Sequence[Any], offset: int, limit: int) -> dict[str, Any]:
    return {"total": len(items), "offset": offset, "limit": limit, "items": list(items[offset : offset + limit])}


def summary(node_id: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """What a list shows of a node: id, type, name, paper count and a few fields of its type."""
    node_type = str(attrs.get("type") or node_id.partition(":")[0])
    out: dict[str, Any] = {"id": node_id, "type": node_type, "name": shown_name(node_id, attrs)}
    out["papers"] = None if node_type == "Paper" else 1 if node_type == "Result" else len(attrs.get("papers") or ())
    if safe_url(attrs.get("url")):
        out["url"] = safe_url(attrs.get("url"))
    fields = _PAPER_FIELDS[:2] if node_type == "Paper" else _RESULT_FIELDS if node_type == "Result" else ()
    out.update({k: attrs[k] for k in fields if k in attrs})
    return out


def _get(backend: Backend, node_id: str) -> Attrs:
    attrs = backend.nodes([node_id]).get(node_id) if node_id else None
    if attrs is None:
        raise ApiError(404, f"no node with id {node_id!r}")
    return attrs


def search(index: SearchIndex, q: str, types: set[str] | None, offset: int, limit: int) -> dict[str, Any]:
    hits = index.search(q, types=types)
    items = [h.as_json() for h in hits.page(offset, limit)]
    return {"query": q, "total": len(hits), "offset": offset, "limit": limit, "capped": hits.capped, "items": items}


def node(backend: Backend, node_id: str) -> dict[str, Any]:
    attrs = _get(backend, node_id)
    out = summary(node_id, attrs)
    out["aliases"] = [str(a) for a in attrs.get("aliases") or ()]
    out["degree"] = backend.degrees([node_id]).get(node_id, 0)
    for key in ("confidence", "key"):
        if key in attrs:
            out[key] = attrs[key]
    out["proposedBy"] = len(attrs.get("proposed_by") or ())
    relations: dict[str, dict[str, int]] = {}
    for e in backend.incident([node_id]):
        side = "out" if e.head == node_id else "in"
        relations.setdefault(e.type, {"in": 0, "out": 0})[side] += 1
    out["relations"] = {k: relations[k] for k in sorted(relations, key=lambda r: _REL_ORDER.get(r, 99))}
    return out


def neighbours(
    backend: Backend,
    node_id: str,
    depth: int,
    types: set[str] | None,
    relations: set[str] | None,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    """Nodes within ``depth`` relationships of ``node_id``, nearest then most connected first."""
    centre = _get(backend, node_id)
    distance = {node_id: 0}
    frontier: Collection[str] = {node_id}
    capped = False
    for hops in range(1, depth + 1):
        found = backend.neighbours(frontier, relations) - distance.keys()
        if len(distance) + len(found) > MAX_VISIT:
            found = set(sorted(found)[: MAX_VISIT - len(distance)])
            capped = True
        distance.update(dict.fromkeys(found, hops))
        frontier = found
        if not found or capped:
            break
    # A node id starts with its type (kg.schema.node_id): the filter needs no attributes, and only
    # the page's nodes are fetched, however many the walk found.
    wanted = [n for n in distance if n != node_id and (types is None or n.partition(":")[0] in types)]
    degree = backend.degrees(wanted)
    wanted.sort(key=lambda n: (distance[n], -degree.get(n, 0), n))
    attrs = backend.nodes(wanted[offset : offset + limit])
    shown = [n for n in wanted[offset : offset + limit] if n in attrs]
    nodes = [{**summary(n, attrs[n]), "distance": distance[n], "degree": degree.get(n, 0)} for n in shown]
    edges = [_edge_json(e) for e in backend.edges_among({node_id, *shown}) if relations is None or e.type in relations]
    edges.sort(key=lambda e: (e["from"], e["to"], _REL_ORDER.get(e["type"], 99)))
    first = {**summary(node_id, centre), "distance": 0, "degree": backend.degrees([node_id]).get(node_id, 0)}
    return {
        "centre": first,
        "depth": depth,
        "total": len(wanted),
        "offset": offset,
        "limit": limit,
        "capped": capped,
        "nodes": nodes,
        "edges": edges,
    }


def _edge_json(e: Edge) -> dict[str, Any]:
    papers = e.attrs.get("papers") or ()
    return {
        "from": e.head,
        "to": e.tail,
        "type": e.type,
        "support": e.attrs.get("support", len(papers)),
        "confidence": e.attrs.get("confidence"),
    }


def papers(backend: Backend, node_id: str, offset: int, limit: int) -> dict[str, Any]:
    """The papers behind a node, newest first (undated last), then by title."""
    attrs = _get(backend, node_id)
    keys = list(attrs.get("papers") or ()) + ([attrs["paper"]] if attrs.get("paper") else [])
    ids = list(dict.fromkeys(paper_node_id(p) for p in keys))
    found = backend.nodes(ids)
    items = [summary(p, found[p]) for p in ids if p in found]
    items.sort(key=lambda s: (s["name"].casefold(), s["id"]))
    items.sort(key=lambda s: str(s.get("date") or ""), reverse=True)
    return page(items, offset, limit)


def results(backend: Backend, node_id: str, offset: int, limit: int) -> dict[str, Any]:
    """The results a node takes part in (a dataset's, a method's, a paper's …), by metric then value."""
    _get(backend, node_id)
    touching = backend.incident([node_id], (*_RESULT_LINKS, "REPORTS"))
    ids = sorted({e.other(node_id) for e in touching if e.other(node_id).startswith("Result:")})
    found = backend.nodes(ids)
    order = sorted(
        found, key=lambda r: (str(found[r].get("metric_name") or "").casefold(), -_number(found[r].get("value")), r)
    )
    shown = order[offset : offset + limit]
    links: dict[str, dict[str, str]] = {r: {} for r in shown}
    for e in backend.incident(shown, _RESULT_LINKS):
        if e.head in links:
            links[e.head][_RESULT_LINKS[e.type]] = e.tail
    for r in shown:
        if found[r].get("paper"):
            links[r]["paper"] = paper_node_id(found[r]["paper"])
    named = backend.nodes({n for link in links.values() for n in link.values()})
    items = []
    for r in shown:
        item = summary(r, found[r])
        for role, target in sorted(links[r].items()):
            if target in named:
                item[role] = {"id": target, "name": shown_name(target, named[target])}
        items.append(item)
    return {"total": len(order), "offset": offset, "limit": limit, "items": items}


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else float("-inf")


def evidence(backend: Backend, a: str, b: str, offset: int, limit: int) -> dict[str, Any]:
    """The sentences behind every relationship between ``a`` and ``b``."""
    _get(backend, a)
    _get(backend, b)
    edges = sorted(backend.between(a, b), key=lambda e: (_REL_ORDER.get(e.type, 99), e.head))
    rows = [(e, ev) for e in edges for ev in e.attrs.get("evidence") or () if isinstance(ev, dict)]
    shown = rows[offset : offset + limit]
    titles = backend.nodes({paper_node_id(ev["paper"]) for _, ev in shown if ev.get("paper")})
    items = []
    for e, ev in shown:
        item = {"type": e.type, "from": e.head, "to": e.tail, **evidence_json(ev)}
        pid = paper_node_id(ev["paper"]) if ev.get("paper") else None
        if pid in titles:
            item["paper"] = {"id": pid, "name": shown_name(pid, titles[pid])}
        items.append(item)
    return {"total": len(rows), "offset": offset, "limit": limit, "items": items}


def evidence_json(ev: Mapping[str, Any]) -> dict[str, Any]:
    """A sentence with its argument spans made relative to it (``[start, end, role]``)."""
    sentence = str(ev.get("sentence") or "")
    start = int(ev.get("sentence_start") or 0)
    spans = []
    for role in ("head", "tail"):
        span = ev.get(role)
        if isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(x, int) for x in span):
            s, e = span[0] - start, span[1] - start
            if 0 <= s < e <= len(sentence):
                spans.append([s, e, role])
    return {
        "field": ev.get("field"),
        "sentence": sentence,
        "spans": sorted(spans),
        "extractor": ev.get("extractor"),
        "confidence": ev.get("confidence"),
    }


def paper(backend: Backend, node_id: str, offset: int, limit: int) -> dict[str, Any]:
    """A paper: its record, the entities it links to (a page), and where they sit in its text."""
    attrs = _get(backend, node_id)
    if attrs.get("type") != "Paper":
        raise ApiError(404, f"{node_id!r} is not a paper")
    out = summary(node_id, attrs)
    out.update(title=str(attrs.get("title") or out["name"]), abstract=str(attrs.get("abstract") or ""))
    out["authors"] = [str(a) for a in attrs.get("authors") or ()]
    out.update({k: attrs[k] for k in _PAPER_FIELDS if k in attrs})
    out["categories"] = [str(c) for c in attrs.get("categories") or ()]
    out["sources"] = [str(s) for s in attrs.get("sources") or ()]
    for key in ("code_url", "project_page"):
        if safe_url(attrs.get(key)):
            out[key] = safe_url(attrs.get(key))
    key = str(attrs.get("key") or node_id.partition(":")[2])
    edges = [e for e in backend.incident([node_id], evidence=True) if e.head == node_id]
    targets = backend.nodes({e.tail for e in edges})
    edges = [e for e in edges if e.tail in targets]
    edges.sort(key=lambda e: (_REL_ORDER.get(e.type, 99), shown_name(e.tail, targets[e.tail]).casefold(), e.tail))
    mine = {key, node_id}
    spans: list[dict[str, Any]] = []
    entities = []
    for e in edges:
        own = [ev for ev in e.attrs.get("evidence") or () if isinstance(ev, dict) and str(ev.get("paper")) in mine]
        entities.append(
            {
                "relation": e.type,
                **summary(e.tail, targets[e.tail]),
                "evidence": [evidence_json(ev) for ev in own[:EVIDENCE_PER_ENTITY]],
            }
        )
        for ev in own:
            tail = ev.get("tail")
            if ev.get("field") in ("title", "abstract") and isinstance(tail, (list, tuple)) and len(tail) == 2:
                spans.append(
                    {
                        "field": ev["field"],
                        "start": tail[0],
                        "end": tail[1],
                        "id": e.tail,
                        "type": targets[e.tail].get("type"),
                        "relation": e.type,
                    }
                )
    out["highlights"] = _no_overlaps(spans, {"title": len(out["title"]), "abstract": len(out["abstract"])})
    out["entities"] = page(entities, offset, limit)
    return out


def _no_overlaps(spans: list[dict[str, Any]], lengths: dict[str, int]) -> list[dict[str, Any]]:
    """Spans inside their field, earliest then longest first, none overlapping another."""
    kept: list[dict[str, Any]] = []
    ends: dict[str, int] = {}
    for s in sorted(spans, key=lambda s: (s["field"], s["start"], -s["end"], s["id"])):
        if not (isinstance(s["start"], int) and isinstance(s["end"], int)):
            continue
        if 0 <= s["start"] < s["end"] <= lengths[s["field"]] and s["start"] >= ends.get(s["field"], 0):
            kept.append(s)
            ends[s["field"]] = s["end"]
    return kept


def legend(backend: Backend) -> dict[str, Any]:
    """Node and relation types with their colours and how many the graph holds."""
    counts = backend.counts()
    return {
        "backend": backend.kind,
        "nodeTypes": {
            n: {"color": t.color, "shape": t.shape, "description": t.description, "count": counts["nodes"].get(n, 0)}
            for n, t in NODE_TYPES.items()
        },
        "relationTypes": {
            n: {"color": r.color, "description": r.description, "count": counts["edges"].get(n, 0)}
            for n, r in RELATION_TYPES.items()
        },
    }
