"""The `kg export --format neo4j-admin` files through the real neo4j-admin import, then queried.

Runs the printed command with scripts/neo4j-local admin into a scratch home, starts a second
server on a free port over it, and compares with what `kg load` makes of the same graph.
"""

from __future__ import annotations

import json
import shlex

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli.store import export
from kg.store.neo4j import count_graph, load_graph, run_query

from .conftest import imported_server

pytestmark = pytest.mark.neo4j

PROPS = ("MATCH (n) RETURN n.id AS id, properties(n) AS props ORDER BY id")
EDGES = ("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props "
         "ORDER BY a, t, b")


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

    with imported_server(tmp_path, command) as (driver, settings):
        got = (count_graph(driver, settings), run_query(driver, settings, PROPS), run_query(driver, settings, EDGES))
    assert got[0] == want[0]  # counts per label and type
    assert got[1] == want[1]  # every node property, typed (arrays, numbers, JSON text)
    assert got[2] == want[2]  # every relationship property
