"""``kg update --neo4j`` sends only the delta, and the database ends as a full ``kg load`` of the
updated graph would leave it: new papers added, a changed paper's old edges and entities deleted,
every property equal (issue 19, item 3)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/replay_server.py
from replay_server import record  # noqa: E402

from kg.cli import cli  # noqa: E402
from kg.store.neo4j import count_graph, run_query, wipe  # noqa: E402

pytestmark = pytest.mark.neo4j

SNAPSHOT = (
    "MATCH (n) OPTIONAL MATCH (n)-[r]->(m) "
    "RETURN n.id AS n, properties(n) AS props, type(r) AS rel, m.id AS m, properties(r) AS rprops "
    "ORDER BY n, rel, m"
)


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def kg(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r


def test_the_delta_leaves_what_a_full_load_leaves(neo4j_db, neo4j_settings, tmp_path):
    papers = [record(i) for i in range(4)]
    g = tmp_path / "g.json"
    kg("build", write(tmp_path / "a.jsonl", papers), "-o", g, "--model", "none", "-q")
    kg("load", g)
    changed = dict(papers[2], abstract="We propose DenseNet2 and evaluate it on CIFAR-10.")
    new = write(tmp_path / "b.jsonl", [changed, record(7), papers[0]])
    r = kg("update", g, new, "--neo4j", "--model", "none")
    assert "1 new, 1 changed, 1 unchanged papers" in r.output and "rows to Neo4j" in r.output
    after_update = count_graph(neo4j_db, neo4j_settings), run_query(neo4j_db, neo4j_settings, SNAPSHOT)[1]
    ids = {row["n"] for row in after_update[1]}
    assert "Paper:2612.00007" in ids and "Dataset:cifar-10" in ids
    assert not any("sparsenet2" in i.lower() for i in ids)
    wipe(neo4j_db, neo4j_settings)
    kg("load", g)
    assert (count_graph(neo4j_db, neo4j_settings), run_query(neo4j_db, neo4j_settings, SNAPSHOT)[1]) == after_update
    # nothing new: nothing sent
    r = kg("update", g, new, "--neo4j", "--model", "none")
    assert "graph unchanged" in r.output and "0 rows to Neo4j" in r.output
