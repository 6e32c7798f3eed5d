"""Graph files (issue 18, items 7, 8, 11, 13, 14): every format round-trips exactly, whatever the
input text held (control characters, reserved GEXF names, absurd numbers); every output is strict
JSON or well-formed XML; a graph file that is not ours, or not quite, is one line and exit 2."""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.graph.build import build_graph
from kg.graph.formats import read_graph, to_json_data, write_graph
from kg.model import Extraction

# Every character XML 1.0 cannot hold, plus the ones its parsers normalise (\r, \t and \n in
# attribute values), a lone surrogate's neighbours and a string that looks like our own escape.
TORTURE = "a\u0000b\u001b[31mc\x0cd\re\tf\ng\x7f\x85h\ufffei\uffffj"


def _ev(field: str = "abstract", sentence: str = "We use X on Y.") -> dict:
    return {"field": field, "sentence": sentence, "sentence_start": 0, "head": [7, 8], "tail": [12, 13],
            "extractor": "rule", "confidence": 0.9}


def _extraction(pid: str, title: str, value: float = 45.1) -> dict:
    return {
        "paper": {"id": pid, "title": title, "abstract": "We use X on Y. " + title, "url": "https://a.org/" + pid,
                  "authors": ["A. Author", TORTURE], "source": {"file": "in.jsonl", "line": 1}},
        "entities": [
            {"id": "Method:x", "type": "Method", "name": "X", "key": "x", "aliases": ["X", TORTURE],
             "confidence": 0.9, "proposed": True},
            {"id": f"Dataset:{TORTURE}", "type": "Dataset", "name": TORTURE, "key": TORTURE, "confidence": 0.8},
            {"id": "Metric:map", "type": "Metric", "name": "mAP", "key": "map", "confidence": 1.0},
            {"id": "Repository:github.com/a/b", "type": "Repository", "name": "a/b", "key": "github.com/a/b",
             "confidence": 1.0, "url": "https://github.com/a/b"},
        ],
        "relations": [
            {"type": "USES", "head": f"Paper:{pid}", "tail": "Method:x", "evidence": _ev()},
            {"type": "USED_FOR", "head": "Method:x", "tail": f"Dataset:{TORTURE}", "evidence": _ev(sentence=TORTURE)},
            {"type": "HAS_CODE", "head": f"Paper:{pid}", "tail": "Repository:github.com/a/b", "evidence": _ev()},
        ],
        "results": [
            {"id": f"Result:{pid}1", "metric": "Metric:map", "metric_name": "mAP", "value": value,
             "value_text": "45.1", "kind": "absolute", "unit": "%", "dataset": f"Dataset:{TORTURE}",
             "method": "Method:x", "evidence": _ev()},
        ],
    }


@pytest.fixture()
def graph() -> nx.MultiDiGraph:
    return build_graph([Extraction.model_validate(_extraction("p1", "CLIP " + TORTURE)),
                        Extraction.model_validate(_extraction("p2", "Other\x0cpaper"))])


def _canon(g: nx.MultiDiGraph) -> str:
    data = to_json_data(g)
    data.pop("graph", None)
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"], e["key"]))
    for item in data["nodes"] + data["edges"]:
        for k in [k for k, v in item.items() if v is None or v == []]:
            del item[k]  # GraphML/GEXF hold no None; an empty list and no list read the same
    return json.dumps(data, sort_keys=True, ensure_ascii=True)


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf"])
def test_every_format_round_trips_exactly(fmt: str, graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / f"g.{fmt}"
    write_graph(graph, path)
    back = read_graph(path)
    assert _canon(back) == _canon(graph)
    paper = back.nodes["Paper:p1"]
    assert paper["key"] == "p1" and paper["title"] == "CLIP " + TORTURE
    assert all(k == d["type"] for *_, k, d in back.edges(keys=True, data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_control_characters_give_a_file_stats_reads(fmt: str, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(_extraction("p1", "CLIP \u0000 \u001b[31m \x0c")) + "\n", encoding="utf-8")
    out = tmp_path / f"g.{fmt}"
    r = CliRunner().invoke(cli, ["build", "-q", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["stats", str(out)])
    assert r.exit_code == 0, r.output
    assert "Paper" in r.output


def test_update_and_render_from_gexf_keep_keys_and_titles(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps(_extraction("p1", "CLIP paper")) + "\n", encoding="utf-8")
    second.write_text(json.dumps(_extraction("p2", "Second paper")) + "\n", encoding="utf-8")
    g = tmp_path / "g.gexf"
    assert CliRunner().invoke(cli, ["build", "-q", str(first), "-o", str(g)]).exit_code == 0
    r = CliRunner().invoke(cli, ["build", "-q", "--update", str(g), str(second)])
    assert r.exit_code == 0, r.output
    back = read_graph(g)
    assert {d["key"] for _, d in back.nodes(data=True) if d["type"] == "Paper"} == {"p1", "p2"}
    html = tmp_path / "g.html"
    assert CliRunner().invoke(cli, ["render", str(g), "-o", str(html)]).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert '"title":"CLIP paper"' in page and '"title":"Second paper"' in page


# -- item 8: strict JSON ------------------------------------------------------------------------

def _strict(text: str):
    def bad(name: str):
        raise AssertionError(f"non-standard JSON constant {name}")
    return json.loads(text, parse_constant=bad)


def test_an_infinite_value_never_reaches_an_output(tmp_path: Path) -> None:
    """A 309-digit number parses to inf: the graph JSON and the HTML page stay strict JSON. (A
    Result refuses inf since, so the value is set past validation, as a caller's object could be.)"""
    ex = Extraction.model_validate(_extraction("p1", "Big"))
    ex.results[0].value = float("9" * 309)
    g = build_graph([ex])
    out = tmp_path / "g.json"
    write_graph(g, out)
    data = _strict(out.read_text(encoding="utf-8"))
    assert all(not isinstance(n.get("value"), float) or math.isfinite(n["value"]) for n in data["nodes"])
    read_graph(out)  # and it reads back
    from kg.render.html import render_html
    html = tmp_path / "g.html"
    render_html(g, html)
    page = html.read_text(encoding="utf-8")
    payload = page.split('<script type="application/json" id="kg-data">', 1)[1].split("</script>", 1)[0]
    _strict(payload)


def test_cli_build_drops_a_result_whose_value_is_not_a_number(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "p1", "title": "Big numbers",
                               "abstract": "Our method reaches an accuracy of " + "9" * 309 + " % on ImageNet."})
                   + "\n", encoding="utf-8")
    out = tmp_path / "g.json"
    r = CliRunner().invoke(cli, ["build", "-q", "--model", "none", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = _strict(out.read_text(encoding="utf-8"))
    assert not [n for n in data["nodes"] if n["type"] == "Result" and n.get("value") is None]


def test_graph_json_with_infinity_is_refused_in_one_line(tmp_path: Path) -> None:
    g = tmp_path / "g.json"
    g.write_text('{"directed":true,"multigraph":true,"graph":{},"nodes":[{"id":"Result:1","type":"Result",'
                 '"name":"x","value":Infinity}],"edges":[]}', encoding="utf-8")
    with pytest.raises(InputError, match="Infinity"):
        read_graph(g)


# -- item 11: graph files that tracebacked ------------------------------------------------------

def _node_link(nodes: list, edges: list, multigraph: bool = True) -> str:
    return json.dumps({"directed": True, "multigraph": multigraph, "graph": {}, "nodes": nodes, "edges": edges})


PAPER = {"id": "Paper:p1", "type": "Paper", "key": "p1", "name": "T", "title": "T", "sources": []}
METHOD = {"id": "Method:x", "type": "Method", "key": "x", "name": "X", "aliases": ["X"], "papers": ["p1"],
          "confidence": 0.9, "proposed_by": []}
EDGE = {"source": "Paper:p1", "target": "Method:x", "key": "USES", "type": "USES", "papers": ["p1"],
        "support": 1, "confidence": 0.9, "evidence": []}


def test_a_networkx_digraph_export_is_read(tmp_path: Path) -> None:
    """networkx's own DiGraph export: "multigraph": false and edges without "key"."""
    path = tmp_path / "g.json"
    edge = {k: v for k, v in EDGE.items() if k != "key"}
    path.write_text(_node_link([PAPER, METHOD], [edge], multigraph=False), encoding="utf-8")
    for args in (["stats", str(path)], ["explain", str(path), "X"],
                 ["render", str(path), "-o", str(tmp_path / "g.html")]):
        r = CliRunner().invoke(cli, args)
        assert r.exit_code == 0, (args, r.output)
    assert list(read_graph(path).edges(keys=True)) == [("Paper:p1", "Method:x", "USES")]


BAD_GRAPHS = [
    ("edge without key or type", [PAPER, METHOD], [{k: v for k, v in EDGE.items() if k not in ("key", "type")}],
     "edge Paper:p1 -> Method:x has no type"),
    ("node without name", [PAPER, {k: v for k, v in METHOD.items() if k != "name"}], [EDGE],
     "node 'Method:x' has no name"),
    ("aliases not a list", [PAPER, {**METHOD, "aliases": "X"}], [EDGE], "'aliases' of node 'Method:x' is not a list"),
    ("papers not a list", [PAPER, {**METHOD, "papers": 3}], [EDGE], "'papers' of node 'Method:x' is not a list"),
    ("unknown type", [PAPER, {**METHOD, "type": "Gadget"}], [EDGE], "node 'Method:x' has unknown type 'Gadget'"),
    ("missing type", [PAPER, {k: v for k, v in METHOD.items() if k != "type"}], [EDGE],
     "node 'Method:x' has no type"),
    ("undeclared node", [PAPER], [EDGE], "edge Paper:p1 -> Method:x: node 'Method:x' is not declared"),
    ("evidence not a list", [PAPER, METHOD], [{**EDGE, "evidence": "x"}], "'evidence' of edge"),
    ("confidence not a number", [PAPER, {**METHOD, "confidence": "high"}], [EDGE],
     "'confidence' of node 'Method:x' is not a number"),
]


@pytest.mark.parametrize("nodes, edges, message", [b[1:] for b in BAD_GRAPHS], ids=[b[0] for b in BAD_GRAPHS])
@pytest.mark.parametrize("command", ["stats", "render", "explain", "update"])
def test_a_graph_we_cannot_use_is_one_line_and_exit_2(nodes, edges, message, command, tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text(_node_link(nodes, edges), encoding="utf-8")
    args = {"stats": ["stats", str(path)], "render": ["render", str(path), "-o", str(tmp_path / "g.html")],
            "explain": ["explain", str(path), "X"],
            "update": ["build", "--update", str(path), str(tmp_path / "none.jsonl")]}[command]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert r.output.strip() == f"Error: {path}: {message}" or (message in r.output and len(r.output.splitlines()) == 1)
    assert not (tmp_path / "g.html").exists()


def test_deep_nesting_in_a_graphml_attribute(tmp_path: Path) -> None:
    g = nx.MultiDiGraph()
    g.add_node("Paper:p1", type="Paper", key="p1", name="T", title="T", authors="[" * 100_000 + "]" * 100_000)
    path = tmp_path / "g.graphml"
    nx.write_graphml(g, path)
    with pytest.raises(InputError, match=str(path)):
        read_graph(path)


def test_unknown_xml_encoding(tmp_path: Path) -> None:
    path = tmp_path / "g.graphml"
    path.write_bytes(b'<?xml version="1.0" encoding="no-such-codec"?><graphml/>')
    with pytest.raises(InputError, match="encoding"):
        read_graph(path)


def test_extraction_jsonl_with_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "ex.jsonl"
    good = json.dumps(_extraction("p1", "T")).encode()
    path.write_bytes(good + b"\n" + good.replace(b"We use", b"We \xff\xfe use") + b"\n")
    r = CliRunner().invoke(cli, ["build", "-q", str(path), "-o", str(tmp_path / "g.json")])
    assert r.exit_code == 2, r.output
    assert r.output.strip() == f"Error: {path}:2: not UTF-8 text"


def test_gzipped_extraction_jsonl_with_invalid_utf8_names_the_line_of_the_text(tmp_path: Path) -> None:
    # kg extract --cluster writes .jsonl.gz parts: the line was counted in the compressed bytes
    import gzip

    path = tmp_path / "ex.jsonl.gz"
    good = json.dumps(_extraction("p1", "T")).encode()
    bad = good.replace(b"We use", b"We \xff\xfe use")
    path.write_bytes(gzip.compress(good + b"\n" + good.replace(b'"p1"', b'"p2"') + b"\n" + bad + b"\n"))
    r = CliRunner().invoke(cli, ["build", "-q", str(path), "-o", str(tmp_path / "g.json")])
    assert r.exit_code == 2, r.output
    assert r.output.strip() == f"Error: {path}:3: not UTF-8 text"


# -- item 13: a format that does not match the suffix -------------------------------------------

def test_graph_format_that_contradicts_the_suffix_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(_extraction("p1", "T")) + "\n", encoding="utf-8")
    out = tmp_path / "x.json"
    r = CliRunner().invoke(cli, ["build", "-q", str(src), "--graph-format", "graphml", "-o", str(out)])
    assert r.exit_code == 2 and "x.json" in r.output and "graphml" in r.output, r.output
    assert not out.exists()
    # an unknown suffix is fine, and the file is read by its content
    odd = tmp_path / "x.graph"
    r = CliRunner().invoke(cli, ["build", "-q", str(src), "--graph-format", "gexf", "-o", str(odd)])
    assert r.exit_code == 0, r.output
    assert CliRunner().invoke(cli, ["stats", str(odd)]).exit_code == 0


# -- item 14: stats and render on what is not a graph file --------------------------------------

def test_stats_and_render_read_an_extraction_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "ex.jsonl"
    src.write_text(json.dumps(_extraction("p1", "CLIP paper")) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["stats", str(src)])
    assert r.exit_code == 0 and "Paper" in r.output, r.output
    r = CliRunner().invoke(cli, ["render", str(src), "-o", str(tmp_path / "g.html")])
    assert r.exit_code == 0, r.output


def test_stats_on_a_directory_says_so(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["stats", str(tmp_path)])
    assert r.exit_code == 2
    assert r.output.strip() == f"Error: {tmp_path}: is a directory, not a graph file (kg build -o FILE writes one)"
