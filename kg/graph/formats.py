"""Graph files: node-link JSON (default), GraphML and GEXF, written atomically, read back.

GraphML and GEXF hold only scalars, so list and dict attributes (aliases, papers, evidence) are
stored as JSON strings and their names recorded in the graph attribute ``kg_json_attrs``;
``read_graph`` decodes them, so every format loads back to the same graph. None values are
omitted there for the same reason. GraphML/GEXF text is checked with defusedxml before networkx
parses it, so entity expansion and external entities are refused.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as DET
import networkx as nx
from defusedxml import DefusedXmlException

from kg.errors import InputError
from kg.io.atomic import atomic_write

FORMATS = ("json", "graphml", "gexf")
# GEXF drops graph attributes, so the list/dict attributes of schemas/graph.md are also known here.
KNOWN_JSON_ATTRS = frozenset({"aliases", "papers", "proposed_by", "sources", "authors", "evidence", "links"})
_SUFFIX = {".json": "json", ".graphml": "graphml", ".gexf": "gexf"}


def format_for(path: str | Path, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise InputError(str(path), None, f"unknown graph format {fmt!r}; use one of {', '.join(FORMATS)}")
        return fmt
    return _SUFFIX.get(Path(path).suffix.lower(), "json")


def is_extraction_file(path: Path) -> bool:
    """A ``kg extract`` JSONL (by its first line), which ``kg build`` reads without extracting."""
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    with path.open(encoding="utf-8", errors="replace") as fh:
        first = fh.readline()
    return first.lstrip().startswith('{"paper"')


def read_source(path: Path) -> nx.MultiDiGraph:
    """A graph file (node-link JSON, GraphML, GEXF) or an extraction JSONL built into a graph."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        from kg.graph.build import build_graph, read_extractions
        return build_graph(read_extractions(path))
    return read_graph(path)


def to_json_data(g: nx.MultiDiGraph) -> dict[str, Any]:
    return nx.node_link_data(g, edges="edges")


def _flatten(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    h = nx.MultiDiGraph()
    encoded: set[str] = set()

    def enc(attrs: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for k, v in attrs.items():
            if v is None:
                continue
            if isinstance(v, (list, dict, tuple)):
                out[k] = json.dumps(v, ensure_ascii=False, sort_keys=True)
                encoded.add(k)
            else:
                out[k] = v
        return out

    for n, d in g.nodes(data=True):
        h.add_node(n, **enc(d))
    for u, v, k, d in g.edges(keys=True, data=True):
        h.add_edge(u, v, key=k, **enc(d))
    h.graph.update({k: v for k, v in g.graph.items() if isinstance(v, (str, int, float, bool))})
    h.graph["kg_json_attrs"] = json.dumps(sorted(encoded))
    return h


def _unflatten(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    names = set(json.loads(g.graph.pop("kg_json_attrs", "[]"))) | KNOWN_JSON_ATTRS
    for attrs in [d for _, d in g.nodes(data=True)] + [d for *_, d in g.edges(keys=True, data=True)]:
        for k in names & attrs.keys():
            if isinstance(attrs[k], str) and attrs[k][:1] in "[{":
                attrs[k] = json.loads(attrs[k])
    return g


def write_graph(g: nx.MultiDiGraph, path: str | Path, fmt: str | None = None) -> str:
    fmt = format_for(path, fmt)
    if fmt == "json":
        with atomic_write(path) as fh:
            json.dump(to_json_data(g), fh, ensure_ascii=False, indent=None, separators=(",", ":"))
            fh.write("\n")
    else:
        buf = io.BytesIO()
        flat = _flatten(g)
        if fmt == "graphml":
            nx.write_graphml(flat, buf, encoding="utf-8")
        else:
            nx.write_gexf(flat, buf, encoding="utf-8")
        with atomic_write(path, "wb") as fh:
            fh.write(buf.getvalue())
    return fmt


def read_graph(path: str | Path, fmt: str | None = None) -> nx.MultiDiGraph:
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), None, "no such graph file")
    fmt = format_for(path, fmt)
    data = path.read_bytes()
    if fmt == "json":
        try:
            obj = json.loads(data)
        except json.JSONDecodeError as err:
            raise InputError(str(path), err.lineno, f"invalid graph JSON ({err.msg})") from None
        except UnicodeDecodeError:
            raise InputError(str(path), None, "not UTF-8 text (a binary file?)") from None
        except (ValueError, RecursionError) as err:  # huge integers, very deep nesting
            raise InputError(str(path), None, f"invalid graph JSON ({type(err).__name__})") from None
        if not isinstance(obj, dict):
            raise InputError(str(path), None, f"not a node-link graph (top level is a {type(obj).__name__})")
        try:
            g = nx.node_link_graph(obj, directed=True, multigraph=True, edges="edges")
        except (KeyError, TypeError, AttributeError, ValueError, nx.NetworkXError) as err:
            raise InputError(str(path), None, f"not a node-link graph ({type(err).__name__}: {err})") from None
        return g
    try:
        DET.fromstring(data)  # refuse entity tricks before networkx's parser sees the bytes
    except DefusedXmlException as err:
        raise InputError(str(path), None, f"refused unsafe XML ({type(err).__name__})") from None
    except DET.ParseError as err:
        raise InputError(str(path), err.position[0], "invalid XML") from None
    try:
        if fmt == "graphml":
            g = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
        else:
            g = nx.read_gexf(io.BytesIO(data))
    except (nx.NetworkXError, ValueError, KeyError, TypeError, AttributeError, IndexError) as err:
        raise InputError(str(path), None, f"not a {fmt} graph ({type(err).__name__}: {err})") from None
    g = nx.MultiDiGraph(g)
    if fmt == "gexf":
        for _, d in g.nodes(data=True):
            d.pop("label", None)
    try:
        return _unflatten(g)
    except (ValueError, TypeError) as err:  # kg_json_attrs or an attribute that is not our JSON
        raise InputError(str(path), None, f"not a {fmt} graph written by kg ({type(err).__name__}: {err})") from None
