"""Fixtures for tests against the real local Neo4j (scripts/neo4j-local start).

Without a server the Neo4j tests are skipped with the reason, except under CI (env CI set), where
they fail: CI must never pass by skipping the real server.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

NEO4J_URI = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
NEO4J_PASSWORD = os.environ.get("NEO4J_PASSWORD", "paper-kg-local")


@pytest.fixture(scope="session")
def neo4j_settings():
    from kg.store.neo4j import Settings
    return Settings(uri=NEO4J_URI, password=NEO4J_PASSWORD)


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings) -> Iterator[object]:
    from kg.errors import KgError
    from kg.store.neo4j import connect
    try:
        driver = connect(neo4j_settings)
    except KgError as exc:
        message = f"no Neo4j at {NEO4J_URI} ({exc}); start one with scripts/neo4j-local start"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set: the Neo4j tests must not be skipped)", pytrace=False)
        pytest.skip(message)
    yield driver
    driver.close()


@pytest.fixture
def neo4j_db(neo4j_driver, neo4j_settings, monkeypatch) -> Iterator[object]:
    """An empty database before and after the test; CLI commands see the same password."""
    from kg.store.neo4j import wipe
    monkeypatch.setenv("NEO4J_PASSWORD", NEO4J_PASSWORD)
    monkeypatch.setenv("NEO4J_URI", NEO4J_URI)
    wipe(neo4j_driver, neo4j_settings)
    yield neo4j_driver
    wipe(neo4j_driver, neo4j_settings)


@pytest.fixture(scope="module")
def samples_db(neo4j_driver, neo4j_settings, sample_graph) -> Iterator[object]:
    """The samples graph loaded once into a database wiped before and after the module."""
    from kg.store.neo4j import load_graph, wipe
    wipe(neo4j_driver, neo4j_settings)
    load_graph(neo4j_driver, sample_graph, neo4j_settings)
    yield neo4j_driver
    wipe(neo4j_driver, neo4j_settings)


NEO4J_LOCAL = Path(__file__).resolve().parents[2] / "scripts" / "neo4j-local"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def imported_server(workdir: Path, command: list[str]) -> Iterator[tuple[Any, Any]]:
    """The real neo4j-admin runs ``command`` (as `kg export --format neo4j-admin` prints it) into
    a scratch home under ``workdir``; a second server on a free port serves it. Yields (driver,
    settings); the server is stopped after."""
    from kg.store.neo4j import Settings, connect
    port = free_port()
    env = {**os.environ, "NEO4J_HOME_DIR": str(workdir / "home"), "NEO4J_BOLT_PORT": str(port),
           "NEO4J_PASSWORD": "scratch-password", "NEO4J_JAVA_OPTS": "-Xms64m -Xmx512m"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(NEO4J_LOCAL), *args], env=env, capture_output=True, text=True,
                              timeout=300, cwd=workdir)

    imported = run("admin", *command)
    assert imported.returncode == 0, imported.stdout[-2000:] + imported.stderr[-2000:]
    started = run("start")
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        settings = Settings(uri=f"bolt://127.0.0.1:{port}", password="scratch-password")
        driver = connect(settings)
        try:
            yield driver, settings
        finally:
            driver.close()
    finally:
        run("stop")


def _evidence(paper: str, sentence: str) -> list[dict]:
    return [{"paper": paper, "field": "abstract", "sentence": sentence, "sentence_start": 0,
             "head": None, "tail": [0, 5], "extractor": "test", "confidence": 0.9}]


def sample_graph() -> nx.MultiDiGraph:
    """Three papers by the contract of schemas/graph.md, with known answers to every named query."""
    g = nx.MultiDiGraph()

    def paper(key: str, title: str) -> str:
        nid = f"Paper:{key}"
        g.add_node(nid, type="Paper", key=key, name=title, title=title, abstract=f"About {title}.",
                   url=f"https://arxiv.org/abs/{key}", date="2024-01-01", authors=["A. Author", "B. Author"],
                   arxiv_id=key, sources=[f"listing.txt:{len(g) + 1}"])
        return nid

    def entity(kind: str, key: str, name: str, papers: list[str], aliases: tuple[str, ...] = (), **extra) -> str:
        nid = f"{kind}:{key}"
        g.add_node(nid, type=kind, key=key, name=name, aliases=list(aliases), papers=papers,
                   confidence=0.8, proposed_by=[], **extra)
        return nid

    def edge(u: str, v: str, rel: str, paper_id: str) -> None:
        g.add_edge(u, v, key=rel, type=rel, papers=[paper_id], support=1, confidence=0.9,
                   evidence=_evidence(paper_id, f"{u} {rel} {v}."))

    p1 = paper("2401.00001", "Vision Transformers at Scale")
    p2 = paper("2401.00002", "Data-efficient Image Transformers Revisited")
    p3 = paper("2401.00003", "End-to-end Detection with Transformers")
    imagenet = entity("Dataset", "imagenet", "ImageNet", [p2], aliases=("ILSVRC", "ImageNet-2012"))
    in1k = entity("Dataset", "imagenet-1k", "ImageNet-1K", [p1])
    coco = entity("Dataset", "coco", "COCO", [p3], aliases=("MS COCO",))
    vit = entity("Method", "vit-g", "ViT-G", [p1, p2])
    deit = entity("Method", "deit-x", "DeiT-X", [p2])
    detr = entity("Method", "detr-y", "DETR-Y", [p3])
    cls = entity("Task", "image classification", "image classification", [p1, p2])
    det = entity("Task", "object detection", "object detection", [p3])
    acc = entity("Metric", "top-1 accuracy", "top-1 accuracy", [p1, p2], aliases=("accuracy",))
    ap = entity("Metric", "ap", "AP", [p3])
    repo = entity("Repository", "github.com/example/vit-g", "example/vit-g", [p1],
                  url="https://github.com/example/vit-g")
    site = entity("Website", "https://detr-y.example.org", "detr-y.example.org", [p3],
                  url="https://detr-y.example.org")
    # Looks like Cypher; must arrive as an ordinary name.
    evil = entity("Method", "x}) DETACH DELETE n //", "x}) DETACH DELETE n //", [p3],
                  aliases=("') MATCH (m) DETACH DELETE m //",))

    def result(key: str, paper_id: str, metric: str, metric_name: str, value: float, dataset: str,
               method: str) -> None:
        nid = f"Result:{key}"
        g.add_node(nid, type="Result", key=key, name=f"{metric_name} {value}", metric_name=metric_name,
                   value=value, value_text=f"{value}%", unit="%", kind="absolute", direction=None,
                   range_high=None, paper=paper_id)
        edge(paper_id, nid, "REPORTS", paper_id)
        edge(nid, metric, "OF_METRIC", paper_id)
        edge(nid, dataset, "ON_DATASET", paper_id)
        edge(nid, method, "BY_METHOD", paper_id)

    edge(in1k, imagenet, "VARIANT_OF", p1)
    edge(p1, vit, "PROPOSES", p1)
    edge(p1, in1k, "EVALUATES_ON", p1)
    edge(p1, cls, "ADDRESSES", p1)
    edge(p1, acc, "MEASURES", p1)
    edge(p1, repo, "HAS_CODE", p1)
    result("r1", p1, acc, "top-1 accuracy", 90.4, in1k, vit)
    edge(p2, deit, "PROPOSES", p2)
    edge(p2, vit, "USES", p2)
    edge(p2, imagenet, "EVALUATES_ON", p2)
    edge(p2, cls, "ADDRESSES", p2)
    result("r2", p2, acc, "top-1 accuracy", 85.2, imagenet, deit)
    edge(deit, vit, "OUTPERFORMS", p2)
    edge(deit, vit, "COMPARED_WITH", p2)  # a second type between the same pair
    edge(p3, detr, "PROPOSES", p3)
    edge(p3, coco, "EVALUATES_ON", p3)
    edge(p3, det, "ADDRESSES", p3)
    edge(p3, ap, "MEASURES", p3)
    edge(p3, site, "HAS_PAGE", p3)
    edge(p3, evil, "USES", p3)
    edge(detr, det, "USED_FOR", p3)
    return g


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    return sample_graph()
