"""Graph files: node-link JSON (default), GraphML and GEXF, written atomically, read back.

GraphML and GEXF hold only scalars, so list and dict attributes (aliases, papers, evidence) are
stored as JSON strings and their names recorded in the graph attribute ``kg_json_attrs``;
``read_graph`` decodes them, so every format loads back to the same graph. None values are
omitted there for the same reason. XML 1.0 cannot hold most control characters (and its parsers
turn ``\\r`` into ``\\n``), so a string holding one is written escaped (:func:`xml_safe`); GEXF
reserves some attribute names (``key``, ``type``, ``label`` …), which are written with a ``kg_``
prefix. GraphML/GEXF text is checked with defusedxml before networkx parses it, so entity
expansion and external entities are refused.

Outputs are strict JSON: a number that is not finite (a 309-digit number parses to ``inf``) is
written as null, never as ``Infinity``/``NaN``, and a graph file holding those is refused.
Every graph read is checked against what the rest of kg relies on (:func:`check_graph`): a file
that is not quite ours is one line naming what is wrong, never a traceback later.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as DET
import networkx as nx
from defusedxml import DefusedXmlException

from kg.errors import InputError
from kg.graph.check import check_graph
from kg.io.atomic import atomic_write
from kg.io.strict_json import finite
from kg.model import Extraction
from kg.read.text import open_binary

FORMATS = ("json", "graphml", "gexf")
# GEXF drops graph attributes, so the list/dict attributes of schemas/graph.md are also known here.
KNOWN_JSON_ATTRS = frozenset(
    {"aliases", "papers", "proposed_by", "sources", "authors", "evidence", "links", "categories"}
)
EXTRACTION_FIELDS = frozenset(Extraction.model_fields)
_SUFFIX = {".json": "json", ".graphml": "graphml", ".gexf": "gexf"}
# Attribute names networkx's GEXF writer or reader treats as its own (it renames ``key`` to
# ``networkx_key``, moves ``type`` into the edge element, uses ``label`` for the node label …).
_GEXF_RESERVED = frozenset(
    {
        "id",
        "label",
        "pid",
        "start",
        "end",
        "viz",
        "parents",
        "slices",
        "spells",
        "weight",
        "type",
        "key",
        "networkx_key",
    }
)
_GEXF_PREFIX = "kg_"
# Characters XML 1.0 cannot hold, plus \r (parsers normalise it to \n) and the escape's backslash.
_XML_BAD = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPED = "kg-escaped:"
_UNESCAPE = re.compile(r"\\(\\|u[0-9a-f]{4})")


def format_for(path: str | Path, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise InputError(str(path), None, f"unknown graph format {fmt!r}; use one of {', '.join(FORMATS)}")
        return fmt
    return _SUFFIX.get(Path(path).suffix.lower(), "json")


def output_format(path: str | Path, fmt: str | None = None) -> str:
    """The format to write ``path`` in; a format its suffix contradicts is refused (nothing would
    read that file back by its name)."""
    by_suffix = _SUFFIX.get(Path(path).suffix.lower())
    chosen = format_for(path, fmt)
    if fmt and by_suffix and by_suffix != chosen:
        p = Path(path)
        raise InputError(
            str(path),
            None,
            f"graph format {fmt} does not match the suffix {p.suffix}; "
            f"name the file {p.stem}.{fmt} or leave the format out",
        )
    return chosen


def is_extraction_file(path: Path) -> bool:
    """A ``kg extract`` JSONL (by its first line), which ``kg build`` reads without extracting."""
    name = path.name.lower()
    if not name.endswith((".jsonl", ".jsonl.gz")) or not path.is_file():
        return False
    try:  # kg extract --cluster writes its parts as .jsonl.gz
        with io.TextIOWrapper(open_binary(path), encoding="utf-8", errors="replace") as fh:
            first = fh.readline()
    except (OSError, EOFError):
        return False
    first = first.lstrip().lstrip("\ufeff")
    if not first.startswith('{"paper"'):
        return False
    # A Hugging Face daily-papers item also opens with "paper": an extraction holds nothing but
    # the Extraction fields, entities among them.
    try:
        record = json.loads(first)
    except ValueError:
        return True  # a damaged extraction line: read as one, so the error names it
    return isinstance(record, dict) and "entities" in record and set(record) <= EXTRACTION_FIELDS


def iter_extractions(path: Path) -> Iterator[Any]:
    """``kg extract`` JSONL records, with a file that is not UTF-8 named at its first bad line."""
    from kg.graph.build import read_extractions

    try:
        yield from read_extractions(path)
    except UnicodeDecodeError:
        # through the same opener: a .jsonl.gz is counted in its lines, not its compressed bytes
        with open_binary(path) as fh:
            line = next((n for n, raw in enumerate(fh, start=1) if not _utf8(raw)), None)
        raise InputError(str(path), line, "not UTF-8 text") from None


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_source(path: str | Path) -> nx.MultiDiGraph:
    """A graph file (node-link JSON, GraphML, GEXF) or an extraction JSONL built into a graph."""
    path = Path(path)
    if path.suffix.lower() in (".jsonl", ".ndjson") or is_extraction_file(path):
        from kg.graph.build import build_graph

        if path.is_dir():
            raise InputError(str(path), None, "is a directory, not an extraction file")
        if not path.exists():
            raise InputError(str(path), None, "no such file")
        return build_graph(iter_extractions(path))
    return read_graph(path)


def to_json_data(g: nx.MultiDiGraph) -> dict[str, Any]:
    return nx.node_link_data(g, edges="edges")


def xml_safe(text: str) -> str:
    """``text`` as XML 1.0 can hold it: unchanged unless it holds a character XML cannot, or \\r,
    or starts like an escaped string; then ``kg-escaped:`` and the text with those characters
    (and backslashes) as ``\\uXXXX`` (``\\\\``). :func:`xml_restore` undoes it."""
    if not (_XML_BAD.search(text) or "\r" in text or text.startswith(_ESCAPED)):
        return text
    body = text.replace("\\", "\\\\")
    body = re.sub("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", body)
    return _ESCAPED + body


def xml_restore(text: str) -> str:
    if not text.startswith(_ESCAPED):
        return text
    return _UNESCAPE.sub(lambda m: "\\" if m.group(1) == "\\" else chr(int(m.group(1)[1:], 16)), text[len(_ESCAPED) :])


def _flatten(g: nx.MultiDiGraph, fmt: str) -> nx.MultiDiGraph:
    h = nx.MultiDiGraph()
    encoded: set[str] = set()

    def name(k: str) -> str:
        return _GEXF_PREFIX + k if fmt == "gexf" and k in _GEXF_RESERVED else k

    def enc(attrs: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for k, v in attrs.items():
            v = finite(v)
            if v is None:
                continue
            if isinstance(v, (list, dict, tuple)):
                v = json.dumps(v, ensure_ascii=False, sort_keys=True, allow_nan=False)
                encoded.add(k)
            out[name(k)] = xml_safe(v) if isinstance(v, str) else v
        return out

    for n, d in g.nodes(data=True):
        h.add_node(xml_safe(str(n)), **enc(d))
    for u, v, k, d in g.edges(keys=True, data=True):
        h.add_edge(xml_safe(str(u)), xml_safe(str(v)), key=xml_safe(str(k)), **enc(d))
    h.graph.update(
        {
            k: xml_safe(v) if isinstance(v, str) else v
            for k, v in g.graph.items()
            if isinstance(v, (str, int, float, bool)) and finite(v) is not None
        }
    )
    h.graph["kg_json_attrs"] = json.dumps(sorted(encoded))
    return h


def _unflatten(g: nx.MultiDiGraph, fmt: str) -> nx.MultiDiGraph:
    names = set(json.loads(g.graph.pop("kg_json_attrs", "[]"))) | KNOWN_JSON_ATTRS

    def dec(attrs: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
        out = {}
        for k, v in attrs.items():
            if k in drop:
                continue
            if fmt == "gexf" and k.startswith(_GEXF_PREFIX) and k[len(_GEXF_PREFIX) :] in _GEXF_RESERVED:
                k = k[len(_GEXF_PREFIX) :]
            if isinstance(v, str):
                v = xml_restore(v)
                if k in names and v[:1] in "[{":
                    v = json.loads(v)
            out[k] = v
        return out

    h = nx.MultiDiGraph()
    h.graph.update({k: xml_restore(v) if isinstance(v, str) else v for k, v in g.graph.items()})
    node_drop = ("label",) if fmt == "gexf" else ()
    edge_drop = ("id", "label") if fmt == "gexf" else ()
    for n, d in g.nodes(data=True):
        h.add_node(xml_restore(str(n)), **dec(d, node_drop))
    for u, v, k, d in g.edges(keys=True, data=True):
        h.add_edge(xml_restore(str(u)), xml_restore(str(v)), key=xml_restore(str(k)), **dec(d, edge_drop))
    return h


def write_graph(g: nx.MultiDiGraph, path: str | Path, fmt: str | None = None) -> str:
    fmt = output_format(path, fmt)
    if fmt == "json":
        data = to_json_data(g)
        try:
            _write_json(data, path)
        except ValueError:  # a float that is not finite: written as null (strict JSON)
            _write_json(finite(data), path)
    else:
        buf = io.BytesIO()
        flat = _flatten(g, fmt)
        if fmt == "graphml":
            nx.write_graphml(flat, buf, encoding="utf-8")
        else:
            nx.write_gexf(flat, buf, encoding="utf-8")
        with atomic_write(path, "wb") as fh:
            fh.write(buf.getvalue())
    return fmt


def _write_json(data: dict[str, Any], path: str | Path) -> None:
    with atomic_write(path) as fh:
        json.dump(data, fh, ensure_ascii=False, indent=None, separators=(",", ":"), allow_nan=False)
        fh.write("\n")


class _NotStrict(ValueError):
    pass


def _no_constants(name: str) -> Any:
    raise _NotStrict(name)


def _sniff(data: bytes, fmt: str) -> str:
    """The format the content shows (a GraphML file named .json is read as GraphML)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "json"
    if head.startswith(b"<"):
        if b"<gexf" in head:
            return "gexf"
        if b"<graphml" in head:
            return "graphml"
        return fmt if fmt != "json" else "graphml"
    return fmt


def read_graph(path: str | Path, fmt: str | None = None) -> nx.MultiDiGraph:
    path = Path(path)
    if path.is_dir():
        raise InputError(str(path), None, "is a directory, not a graph file (kg build -o FILE writes one)")
    if not path.is_file():
        raise InputError(str(path), None, "no such graph file")
    data = path.read_bytes()
    fmt = fmt or _sniff(data, format_for(path))
    format_for(path, fmt)
    if fmt == "json":
        g = _read_json(path, data)
    else:
        g = _read_xml(path, data, fmt)
    return check_graph(g, path)


def _read_json(path: Path, data: bytes) -> nx.MultiDiGraph:
    try:
        obj = json.loads(data, parse_constant=_no_constants)
    except _NotStrict as err:
        raise InputError(str(path), None, f"invalid graph JSON ({err} is not a JSON number)") from None
    except json.JSONDecodeError as err:
        hint = "; an extraction JSONL? kg build reads it" if err.msg == "Extra data" else ""
        raise InputError(str(path), err.lineno, f"invalid graph JSON ({err.msg}){hint}") from None
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
    if not g.is_multigraph():  # networkx's own (Di)Graph export: edges keyed by their type
        h = nx.MultiDiGraph()
        h.graph.update(g.graph)
        h.add_nodes_from(g.nodes(data=True))
        for u, v, d in g.edges(data=True):
            h.add_edge(u, v, key=d.get("type"), **d)
        g = h
    elif not g.is_directed():
        g = nx.MultiDiGraph(g)
    return g


def _read_xml(path: Path, data: bytes, fmt: str) -> nx.MultiDiGraph:
    try:
        DET.fromstring(data)  # refuse entity tricks before networkx's parser sees the bytes
    except DefusedXmlException as err:
        raise InputError(str(path), None, f"refused unsafe XML ({type(err).__name__})") from None
    except DET.ParseError as err:
        raise InputError(str(path), err.position[0], "invalid XML") from None
    except LookupError as err:  # encoding="no-such-codec"
        raise InputError(str(path), None, f"unknown XML encoding ({err})") from None
    except (ValueError, RecursionError) as err:
        raise InputError(str(path), None, f"invalid XML ({type(err).__name__})") from None
    try:
        if fmt == "graphml":
            g = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
        else:
            g = nx.read_gexf(io.BytesIO(data))
    except (
        nx.NetworkXError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        LookupError,
        RecursionError,
    ) as err:
        raise InputError(str(path), None, f"not a {fmt} graph ({type(err).__name__}: {err})") from None
    try:
        return _unflatten(nx.MultiDiGraph(g), fmt)
    except (ValueError, TypeError, RecursionError) as err:  # kg_json_attrs or an attribute not our JSON
        raise InputError(str(path), None, f"not a {fmt} graph written by kg ({type(err).__name__})") from None
