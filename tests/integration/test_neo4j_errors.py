"""Connection failures become one line and exit code 3, and never show the password."""

from __future__ import annotations

import json
import socket

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli.store import load, query

pytestmark = pytest.mark.neo4j

WRONG = "definitely-not-the-password"


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_one_line_failure(result, *must_contain: str) -> None:
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.output
    assert "Traceback" not in result.output and WRONG not in result.output
    for text in must_contain:
        assert text in lines[0]


def test_wrong_password(neo4j_db, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", WRONG)
    result = CliRunner().invoke(query, ["RETURN 1"])
    assert_one_line_failure(result, "NEO4J_PASSWORD", "'neo4j'")


def test_server_down(neo4j_db, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", WRONG)
    uri = f"bolt://127.0.0.1:{unused_port()}"
    assert_one_line_failure(CliRunner().invoke(query, ["RETURN 1", "--uri", uri]), "cannot reach", uri)


def test_server_down_on_load(neo4j_db, monkeypatch, graph, tmp_path):
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(nx.node_link_data(graph, edges="edges")), encoding="utf-8")
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{unused_port()}")
    assert_one_line_failure(CliRunner().invoke(load, [str(path)]), "cannot reach")


def test_unknown_database(neo4j_db):
    result = CliRunner().invoke(query, ["RETURN 1", "--database", "nosuchdb"])
    assert_one_line_failure(result, "no database 'nosuchdb'")
