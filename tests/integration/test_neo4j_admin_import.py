"""The `kg export --format neo4j-admin` files through the real neo4j-admin import, then queried.

Runs the printed command with scripts/neo4j-local admin into a scratch home, starts a second
server on a free port over it, and compares with what `kg load` makes of the same graph.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli.store import export
from kg.store.neo4j import Settings, connect, count_graph, load_graph, run_query

pytestmark = pytest.mark.neo4j

NEO4J_LOCAL = Path(__file__).resolve().parents[2] / "scripts" / "neo4j-local"
PROPS = ("MATCH (n) RETURN n.id AS id, properties(n) AS props ORDER BY id")
EDGES = ("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props "
         "ORDER BY a, t, b")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_admin_import_matches_the_loader(neo4j_db, neo4j_settings, graph, tmp_path):
    # The reference: the same graph through the MERGE loader.
    load_graph(neo4j_db, graph, neo4j_settings)
    want = (count_graph(neo4j_db, neo4j_settings), run_query(neo4j_db, neo4j_settings, PROPS),
            run_query(neo4j_db, neo4j_settings, EDGES))

    graph_file = tmp_path / "graph.json"
    graph_file.write_text(json.dumps(nx.node_link_data(graph, edges="edges")), encoding="utf-8")
    result = CliRunner().invoke(export, [str(tmp_path / "csv"), "--graph", str(graph_file)])
    assert result.exit_code == 0, result.output
    command = shlex.split(result.stdout.strip().splitlines()[-1])
    assert command[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]

    port = free_port()
    env = {**os.environ, "NEO4J_HOME_DIR": str(tmp_path / "home"), "NEO4J_BOLT_PORT": str(port),
           "NEO4J_PASSWORD": "scratch-password", "NEO4J_JAVA_OPTS": "-Xms64m -Xmx512m"}
    run = lambda *args: subprocess.run([str(NEO4J_LOCAL), *args], env=env, capture_output=True, text=True,
                                       timeout=300, cwd=tmp_path)
    imported = run("admin", *command)
    assert imported.returncode == 0, imported.stdout[-2000:] + imported.stderr[-2000:]
    started = run("start")
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        settings = Settings(uri=f"bolt://127.0.0.1:{port}", password="scratch-password")
        driver = connect(settings)
        try:
            got = (count_graph(driver, settings), run_query(driver, settings, PROPS),
                   run_query(driver, settings, EDGES))
        finally:
            driver.close()
    finally:
        run("stop")
    assert got[0] == want[0]  # counts per label and type
    assert got[1] == want[1]  # every node property, typed (arrays, numbers, JSON text)
    assert got[2] == want[2]  # every relationship property
