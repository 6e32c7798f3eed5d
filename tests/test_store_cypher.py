"""Cypher text and MERGE rows for the Neo4j loader: no server needed."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.errors import StoreError
from kg.schema import NODE_TYPES
from kg.cli.store import schema
from kg.store.neo4j import (Settings, constraint_statements, constraints_cypher, node_merge_query,
                            node_rows, relationship_merge_query, relationship_rows, to_property)

CONSTRAINTS_FILE = Path(__file__).resolve().parents[1] / "schemas" / "neo4j" / "constraints.cypher"


def test_committed_constraints_file_is_current():
    assert CONSTRAINTS_FILE.read_text(encoding="utf-8") == constraints_cypher(), (
        "regenerate: kg schema --cypher > schemas/neo4j/constraints.cypher")


def test_schema_command_prints_the_constraints():
    result = CliRunner().invoke(schema, ["--cypher"])
    assert result.exit_code == 0 and result.output == constraints_cypher()


def test_one_key_constraint_and_name_index_per_node_type():
    statements = constraint_statements()
    for label in NODE_TYPES:
        assert (f"CREATE CONSTRAINT {label.lower()}_key IF NOT EXISTS FOR (n:{label}) "
                f"REQUIRE n.key IS UNIQUE") in statements
        assert f"CREATE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)" in statements
    assert len(statements) == 2 * len(NODE_TYPES)


def test_merge_queries_take_labels_and_types_only_from_the_schema():
    assert node_merge_query("Method") == \
        "UNWIND $rows AS row MERGE (n:Method {key: row.key}) SET n += row.props"
    assert relationship_merge_query("USES", "Paper", "Method") == (
        "UNWIND $rows AS row MATCH (a:Paper {key: row.head}) MATCH (b:Method {key: row.tail}) "
        "MERGE (a)-[r:USES]->(b) SET r += row.props")
    for bad in ("Method`) DETACH DELETE n //", "method", "Sentinel"):
        with pytest.raises(StoreError):
            node_merge_query(bad)
        with pytest.raises(StoreError):
            relationship_merge_query("USES", bad, "Method")
    with pytest.raises(StoreError):
        relationship_merge_query("USES]->() DETACH DELETE a //", "Paper", "Method")


@pytest.mark.parametrize("value, stored", [
    ("text", "text"), (3, 3), (0.5, 0.5), (True, True),
    (["a", "b"], ["a", "b"]), ([], None), (None, None), ((1, 2), [1, 2]),
    ([{"paper": "Paper:1", "head": [0, 3]}], '[{"head": [0, 3], "paper": "Paper:1"}]'),
    ({"b": 1, "a": None}, '{"a": null, "b": 1}'),
    ([0, 3], [0, 3]), (["a", 1], '["a", 1]'), ([None, "a"], '[null, "a"]'),
])
def test_to_property(value, stored):
    assert to_property(value) == stored


def test_nested_values_round_trip_through_json():
    evidence = [{"paper": "Paper:1", "sentence": "We use ViT.", "head": None, "tail": [7, 10]}]
    assert json.loads(to_property(evidence)) == evidence


def _graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("Paper:1", type="Paper", key="1", name="A paper", authors=["X"], url=None)
    g.add_node("Method:x}) DETACH DELETE n //", type="Method", key="x}) DETACH DELETE n //",
               name="x}) DETACH DELETE n //")
    g.add_edge("Paper:1", "Method:x}) DETACH DELETE n //", key="USES", type="USES", support=1,
               evidence=[{"paper": "Paper:1", "head": None}])
    return g


def test_node_rows_group_by_label_and_keep_hostile_text_as_data():
    rows = node_rows(_graph())
    assert rows["Paper"] == [{"key": "1", "props": {"type": "Paper", "key": "1", "name": "A paper",
                                                     "authors": ["X"], "url": None, "id": "Paper:1"}}]
    assert rows["Method"][0]["key"] == "x}) DETACH DELETE n //"


def test_relationship_rows_group_by_type_and_endpoint_labels():
    rows = relationship_rows(_graph())
    assert list(rows) == [("USES", "Paper", "Method")]
    (row,) = rows[("USES", "Paper", "Method")]
    assert row["head"] == "1" and row["tail"] == "x}) DETACH DELETE n //"
    assert row["props"] == {"support": 1, "evidence": '[{"head": null, "paper": "Paper:1"}]'}


def test_unknown_node_or_relation_types_are_refused():
    g = nx.MultiDiGraph()
    g.add_node("Person:ada", type="Person", key="ada")
    with pytest.raises(StoreError, match="Person"):
        node_rows(g)
    g = _graph()
    g.add_edge("Paper:1", "Method:x}) DETACH DELETE n //", key="LIKES", type="LIKES")
    with pytest.raises(StoreError, match="LIKES"):
        relationship_rows(g)


def test_password_is_not_in_repr():
    assert "s3cret-pass" not in repr(Settings(password="s3cret-pass"))
