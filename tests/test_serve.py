"""kg serve: a real uvicorn server on a free loopback port, asked over HTTP (httpx)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.graph.formats import write_graph
from kg.serve.analysis import analysis_for
from kg.serve.app import CSP, create_app
from kg.serve.file_backend import FileBackend
from kg.serve.openapi import ANALYSIS_ENDPOINTS, ENDPOINTS
from kg.serve.server import ThreadedServer, listen
from kg.serve.views import MAX_LIMIT

XSS = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(2)</script>"


def _ev(paper: str, field: str, sentence: str, start: int, tail: tuple[int, int], head=None) -> dict:
    return {"paper": paper, "field": field, "sentence": sentence, "sentence_start": start,
            "head": list(head) if head else None, "tail": list(tail), "extractor": "test", "confidence": 0.9}


def serve_graph() -> nx.MultiDiGraph:
    """Twelve papers using CLIP on ImageNet, one of them hostile, with a result and a repository."""
    g = nx.MultiDiGraph()
    g.add_node("Method:clip", type="Method", key="clip", name="CLIP",
               aliases=["Contrastive Language-Image Pre-training"], papers=[], confidence=0.9, proposed_by=[])
    g.add_node("Dataset:imagenet", type="Dataset", key="imagenet", name="ImageNet", aliases=["ILSVRC"], papers=[],
               confidence=0.9, proposed_by=[])
    g.add_node("Method:evil", type="Method", key="evil", name=XSS, aliases=[XSS_SCRIPT], papers=["evil"],
               confidence=0.9, proposed_by=["evil"])
    g.add_node("Metric:accuracy", type="Metric", key="accuracy", name="accuracy", papers=["p0"], confidence=0.9)
    g.add_node("Repository:github.com/a/clip", type="Repository", key="github.com/a/clip", name="a/clip",
               url="https://github.com/a/clip", papers=["p0"], confidence=0.99)
    for i in range(12):
        key = f"p{i}"
        pid = f"Paper:{key}"
        abstract = f"We apply CLIP to ImageNet in study {i}."
        g.add_node(pid, type="Paper", key=key, name=f"Study {i}", title=f"Study {i} of CLIP", abstract=abstract,
                   date=f"2024-01-{i + 1:02d}", authors=["A. Author"], sources=[f"x.jsonl:{i + 1}"],
                   url="https://arxiv.org/abs/2401.0000" + str(i))
        for target, rel, word in (("Method:clip", "USES", "CLIP"), ("Dataset:imagenet", "EVALUATES_ON", "ImageNet")):
            g.nodes[target]["papers"].append(key)
            s = abstract.index(word)
            g.add_edge(pid, target, key=rel, type=rel, papers=[key], support=1, confidence=0.9,
                       evidence=[_ev(key, "abstract", abstract, 0, (s, s + len(word)))])
    g.add_edge("Paper:p0", "Repository:github.com/a/clip", key="HAS_CODE", type="HAS_CODE", papers=["p0"], support=1,
               confidence=0.99, evidence=[])
    g.add_node("Result:r0", type="Result", key="r0", name="accuracy 76.2%", metric_name="accuracy", value=76.2,
               value_text="76.2%", unit="%", kind="absolute", paper="p0")
    for u, v, rel in (("Paper:p0", "Result:r0", "REPORTS"), ("Result:r0", "Metric:accuracy", "OF_METRIC"),
                      ("Result:r0", "Dataset:imagenet", "ON_DATASET"), ("Result:r0", "Method:clip", "BY_METHOD")):
        g.add_edge(u, v, key=rel, type=rel, papers=["p0"], support=1, confidence=0.8, evidence=[])
    evil_abstract = f"We propose {XSS} and {XSS_SCRIPT} with CLIP."
    g.add_node("Paper:evil", type="Paper", key="evil", name=XSS, title=XSS, abstract=evil_abstract,
               url="javascript:alert(3)", authors=[XSS], sources=["x.jsonl:99"])
    s = evil_abstract.index(XSS)
    g.add_edge("Paper:evil", "Method:evil", key="PROPOSES", type="PROPOSES", papers=["evil"], support=1,
               confidence=0.9, evidence=[_ev("evil", "abstract", evil_abstract, 0, (s, s + len(XSS)))])
    g.add_edge("Method:evil", "Method:clip", key="OUTPERFORMS", type="OUTPERFORMS", papers=["evil"], support=1,
               confidence=0.7, evidence=[_ev("evil", "abstract", evil_abstract, 0, (s, s + len(XSS)))])
    return g


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return serve_graph()


@pytest.fixture(scope="module")
def client(graph) -> Iterator[httpx.Client]:
    backend = FileBackend(graph)
    with ThreadedServer(create_app(backend, analysis=analysis_for(backend))) as url:
        with httpx.Client(base_url=url, timeout=10) as c:
            yield c


def get(client: httpx.Client, path: str, **params) -> dict:
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def test_search_ranks_names_then_aliases_then_prefixes(client):
    hits = get(client, "/api/search", q="clip")["items"]
    assert hits[0]["id"] == "Method:clip" and hits[0]["match"] == "name"
    assert get(client, "/api/search", q="ilsvrc")["items"][0]["id"] == "Dataset:imagenet"
    assert get(client, "/api/search", q="Imagenet")["items"][0]["matched"] == "ImageNet"
    assert get(client, "/api/search", q="imagnet")["items"][0]["id"] == "Dataset:imagenet"  # a typo: fuzzy
    papers = get(client, "/api/search", q="study", types="Paper")
    assert papers["total"] == 12 and {h["type"] for h in papers["items"]} == {"Paper"}


def test_every_list_pages(client):
    pages = [get(client, "/api/search", q="study", offset=o, limit=5) for o in (0, 5, 10)]
    ids = [h["id"] for p in pages for h in p["items"]]
    assert [len(p["items"]) for p in pages] == [5, 5, 2] and len(set(ids)) == 12
    papers = [get(client, "/api/papers", id="Method:clip", offset=o, limit=4)["items"] for o in (0, 4, 8)]
    flat = [p["id"] for page in papers for p in page]
    assert len(flat) == len(set(flat)) == 12
    assert flat[0] == "Paper:p11"  # newest first
    nb = [get(client, "/api/neighbours", id="Method:clip", offset=o, limit=7) for o in (0, 7)]
    assert nb[0]["total"] == 14 and len(nb[0]["nodes"]) + len(nb[1]["nodes"]) == 14
    assert {n["id"] for n in nb[0]["nodes"]}.isdisjoint(n["id"] for n in nb[1]["nodes"])
    ev = get(client, "/api/evidence", **{"from": "Paper:p3", "to": "Method:clip", "limit": 1})
    assert ev["total"] == 1 and ev["items"][0]["sentence"].startswith("We apply CLIP")
    assert ev["items"][0]["spans"] == [[9, 13, "tail"]]


def test_neighbours_depth_types_and_relations(client):
    one = get(client, "/api/neighbours", id="Dataset:imagenet")
    assert one["centre"]["id"] == "Dataset:imagenet" and {n["distance"] for n in one["nodes"]} == {1}
    assert all(e["from"] in {n["id"] for n in one["nodes"]} | {"Dataset:imagenet"} for e in one["edges"])
    two = get(client, "/api/neighbours", id="Dataset:imagenet", depth=2)
    assert {"Method:clip", "Repository:github.com/a/clip"} <= {n["id"] for n in two["nodes"]}
    only = get(client, "/api/neighbours", id="Dataset:imagenet", depth=2, types="Method")
    assert {n["type"] for n in only["nodes"]} == {"Method"}
    rel = get(client, "/api/neighbours", id="Method:clip", relations="OUTPERFORMS")
    assert [n["id"] for n in rel["nodes"]] == ["Method:evil"] and {e["type"] for e in rel["edges"]} == {"OUTPERFORMS"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/neighbours?id=Method:clip&depth=4",
        "/api/neighbours?id=Method:clip&depth=0",
        f"/api/neighbours?id=Method:clip&limit={MAX_LIMIT + 1}",
        "/api/search?q=clip&limit=0",
        "/api/search?q=clip&offset=-1",
        "/api/search?q=clip&limit=ten",
        "/api/search?q=clip&types=Method,Nope",
        "/api/neighbours?id=Method:clip&relations=DROP",
        "/api/node",
    ],
)
def test_bounds_are_enforced(client, path):
    r = client.get(path)
    assert r.status_code == 400 and set(r.json()) == {"error"}


def test_node_paper_and_results(client):
    node = get(client, "/api/node", id="Method:clip")
    assert node["aliases"] == ["Contrastive Language-Image Pre-training"] and node["relations"]["USES"]["in"] == 12
    assert client.get("/api/node", params={"id": "Method:nothing"}).status_code == 404
    paper = get(client, "/api/paper", id="Paper:p0")
    for h in paper["highlights"]:
        assert paper[h["field"]][h["start"] : h["end"]] in ("CLIP", "ImageNet")
    assert [e["id"] for e in paper["entities"]["items"]][:2] == ["Method:clip", "Dataset:imagenet"]
    assert paper["url"].startswith("https://")
    evil = get(client, "/api/paper", id="Paper:evil")
    assert "url" not in evil  # javascript: is never a link
    assert evil["highlights"][0]["id"] == "Method:evil"
    assert client.get("/api/paper", params={"id": "Method:clip"}).status_code == 404
    results = get(client, "/api/results", id="Dataset:imagenet")["items"]
    assert results[0]["value"] == 76.2 and results[0]["method"] == {"id": "Method:clip", "name": "CLIP"}
    assert results[0]["paper"]["id"] == "Paper:p0"


def test_pages_and_static_files(client):
    for path in ("/", "/entity/Method:clip", "/paper/Paper:p0", "/entity/Repository:github.com/a/clip"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "<script>" not in r.text and 'src="/static/serve.js"' in r.text
    assert client.get("/entity/Method:nothing").status_code == 404
    assert client.get("/static/vis-network.min.js").text.startswith("/**")
    assert "--accent" in client.get("/static/page.css").text


@pytest.mark.parametrize(
    "path",
    ["/static/../app.py", "/static/..%2fapp.py", "/static/%2e%2e/%2e%2e/pyproject.toml", "/static/app.html",
     "/static/..%5c..%5cpyproject.toml", "/static//etc/passwd", "/static/serve.js%00.css"],
)
def test_no_path_traversal(client, path):
    r = client.get(path)
    assert r.status_code == 404 and "[project]" not in r.text and "starlette" not in r.text


def test_security_headers_everywhere_and_read_only(client):
    for r in (client.get("/"), client.get("/api/search?q=x"), client.get("/static/serve.js"), client.get("/nope"),
              client.post("/api/search"), client.delete("/api/node?id=Method:clip")):
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CSP and "unsafe" not in CSP
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert client.request(method, "/api/node?id=Method:clip").status_code == 405


def test_hostile_strings_stay_json_strings(client):
    r = client.get("/api/search", params={"q": "img src"})
    assert r.json()["items"][0]["name"] == XSS
    page = client.get("/entity/" + XSS)
    assert XSS not in page.text and "<img" not in page.text  # the shell never echoes the URL
    assert client.get("/api/node", params={"id": XSS}).headers["content-type"].startswith("application/json")


def test_openapi_describes_every_api_route(client, graph):
    doc = get(client, "/api/openapi.json")
    backend = FileBackend(graph)
    app = create_app(backend, analysis=analysis_for(backend))
    routes = {r.path for r in app.routes if r.path.startswith("/api/")}
    assert routes == set(doc["paths"]) == set(ENDPOINTS) | set(ANALYSIS_ENDPOINTS)
    bare = {r.path for r in create_app(backend).routes}
    assert bare & set(ANALYSIS_ENDPOINTS) == set() and "/benchmarks" not in bare


def test_benchmarks_leaderboards_and_trends(client):
    bench = get(client, "/api/benchmarks")
    assert [(b["dataset_id"], b["metric"], b["results"]) for b in bench["items"]] == [
        ("Dataset:imagenet", "accuracy", 1)]
    boards = get(client, "/api/leaderboard", dataset="ILSVRC")
    assert boards["total"] == 1 and boards["items"][0]["rows"][0]["method_id"] == "Method:clip"
    missing = client.get("/api/leaderboard", params={"dataset": "imagenett"})
    assert missing.status_code == 404 and "ImageNet" in missing.json()["error"]
    trends = get(client, "/api/trends", type="Dataset", limit=5)
    assert trends["dated"] == 13 - 1 and trends["items"] == []  # one month: nothing to compare
    assert client.get("/api/trends", params={"type": "Paper"}).status_code == 400


def test_cli_refuses_a_non_loopback_host(tmp_path: Path, graph):
    path = tmp_path / "g.json"
    write_graph(graph, path)
    r = CliRunner().invoke(cli, ["serve", str(path), "--host", "192.168.1.7"])
    assert r.exit_code == 2 and "--host 0.0.0.0" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["serve"])
    assert r.exit_code == 2 and "--neo4j" in r.output
    busy = listen("127.0.0.1", 0)
    try:
        r = CliRunner().invoke(cli, ["serve", str(path), "--port", str(busy.getsockname()[1])])
        assert r.exit_code == 2 and "cannot listen" in r.output
    finally:
        busy.close()


def test_kg_serve_runs_and_answers(tmp_path: Path, graph):
    path = tmp_path / "g.json"
    write_graph(graph, path)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(path), "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        url = re.search(r"http://[\d.]+:\d+/", line)
        assert url, line
        deadline = time.monotonic() + 20
        while True:
            try:
                meta = httpx.get(url.group() + "api/meta", timeout=5).json()
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert meta["backend"] == "file" and meta["nodeTypes"]["Paper"]["count"] == 13
    finally:
        proc.terminate()
        proc.wait(10)


def test_without_the_extra_kg_works_and_kg_serve_says_what_to_install(tmp_path: Path):
    hide = "import sys; sys.modules['uvicorn'] = None; sys.modules['starlette'] = None; from kg.cli import main; "
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    ok = subprocess.run([sys.executable, "-c", hide + "sys.argv = ['kg', '--help']; main()"],
                        capture_output=True, text=True, env=env)
    assert ok.returncode == 0 and "serve" in ok.stdout
    r = subprocess.run([sys.executable, "-c", hide + f"sys.argv = ['kg', 'serve', {str(tmp_path)!r}]; main()"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "pip install 'paper-kg[serve]'" in r.stderr and "Traceback" not in r.stderr


def test_keep_alive_requests_do_not_wait_for_delayed_acks(client):
    """asyncio sets TCP_NODELAY only on sockets made with proto TCP: without it every keep-alive
    response waited ~40 ms for the client's delayed ACK (found by kg.bench.serve)."""
    import socket

    sock = listen("127.0.0.1", 0)
    assert sock.proto == socket.IPPROTO_TCP
    sock.close()
    times = []
    for _ in range(15):
        started = time.perf_counter()
        client.get("/api/meta")
        times.append(time.perf_counter() - started)
    assert sorted(times)[7] < 0.035
