"""Neo4j: connection, constraints, the batched MERGE loader, the query runner and error mapping.

Labels and relationship types cannot be query parameters, so every one that reaches a Cypher
string is checked against kg.schema first; everything else (keys, names, evidence) travels as a
parameter and is never spliced into the query text.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import neo4j
import networkx as nx
from neo4j import exceptions as neo4j_errors

from kg.errors import KgError, StoreError
from kg.schema import NODE_TYPES, RELATION_TYPES, split_node_id
from kg.store.settings import DEFAULT_BATCH_SIZE, DEFAULT_DATABASE, DEFAULT_URI, DEFAULT_USER, Settings

__all__ = [
    "DEFAULT_URI",
    "DEFAULT_USER",
    "DEFAULT_DATABASE",
    "DEFAULT_BATCH_SIZE",
    "Settings",
    "QueryError",
    "LoadReport",
    "connect",
    "store_error",
    "constraint_statements",
    "constraints_cypher",
    "node_merge_query",
    "relationship_merge_query",
    "to_property",
    "node_rows",
    "relationship_rows",
    "apply_constraints",
    "load_graph",
    "wipe",
    "count_graph",
    "run_query",
    "to_plain",
]

Row = dict[str, Any]
RelGroup = tuple[str, str, str]  # (relationship type, head label, tail label)


class QueryError(KgError):
    """The server ran the query and refused it (syntax, a write in read mode, …): exit code 1."""


# ---------------------------------------------------------------- errors


def store_error(exc: Exception, settings: Settings) -> KgError:
    """One sentence for a driver exception; connection trouble is a StoreError (exit code 3)."""
    where = f"Neo4j at {settings.uri}"
    if isinstance(exc, neo4j_errors.AuthError):
        hint = "check NEO4J_PASSWORD" if settings.password else "NEO4J_PASSWORD is not set"
        return StoreError(f"{where} refused user {settings.user!r}: {hint}")
    if isinstance(exc, (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired)):
        return StoreError(f"cannot reach {where}; is it running? (scripts/neo4j-local start)")
    if isinstance(exc, neo4j_errors.ConfigurationError) or isinstance(exc, ValueError):
        return StoreError(f"cannot use {settings.uri!r} as a Neo4j URI: {_first_line(str(exc))}")
    if isinstance(exc, neo4j_errors.Neo4jError):
        code = exc.code or ""
        if code == "Neo.ClientError.Database.DatabaseNotFound":
            return StoreError(f"{where} has no database {settings.database!r}")
        if code.startswith("Neo.ClientError.Security."):
            return StoreError(f"{where} refused user {settings.user!r}: {_first_line(exc.message or code)}")
        if code in (
            "Neo.ClientError.Statement.AccessMode",
            "Neo.ClientError.Transaction.ForbiddenDueToTransactionType",
        ) or "read access mode" in (exc.message or ""):
            return QueryError("the query writes, but queries run read-only; add --write to allow it")
        return QueryError(f"Neo4j refused the query: {_first_line(exc.message or code)}")
    return StoreError(f"{where}: {_first_line(str(exc)) or type(exc).__name__}")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def connect(settings: Settings) -> neo4j.Driver:
    """A driver that has shown it can reach ``settings.database`` with these credentials."""
    try:
        driver = neo4j.GraphDatabase.driver(
            settings.uri, auth=(settings.user, settings.password), connection_timeout=10, user_agent="paper-kg"
        )
    except Exception as exc:  # bad URI schemes surface here, before any network
        raise store_error(exc, settings) from None
    try:
        # verify_connectivity fails fast (no retry loop); the RETURN 1 checks the database exists.
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=settings.database, routing_=neo4j.RoutingControl.READ)
    except Exception as exc:
        driver.close()
        raise store_error(exc, settings) from None
    return driver


# ---------------------------------------------------------------- Cypher text (pure)


def _label(name: str) -> str:
    if name not in NODE_TYPES:
        raise StoreError(f"{name!r} is not a node type of kg.schema")
    return name


def _rel_type(name: str) -> str:
    if name not in RELATION_TYPES:
        raise StoreError(f"{name!r} is not a relation type of kg.schema")
    return name


def constraint_statements() -> list[str]:
    """Uniqueness of ``key`` and an index on ``name`` for every node type."""
    statements: list[str] = []
    for label in NODE_TYPES:
        snake = label.lower()
        statements.append(f"CREATE CONSTRAINT {snake}_key IF NOT EXISTS FOR (n:{label}) REQUIRE n.key IS UNIQUE")
        statements.append(f"CREATE INDEX {snake}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)")
    return statements


def constraints_cypher() -> str:
    """The text of schemas/neo4j/constraints.cypher."""
    head = (
        "// Generated from kg/schema.py by `kg schema --cypher`; do not edit by hand.\n"
        "// `kg load` applies these itself; run them with cypher-shell to prepare an empty database.\n"
    )
    return head + "".join(f"{s};\n" for s in constraint_statements())


def node_merge_query(label: str) -> str:
    return f"UNWIND $rows AS row MERGE (n:{_label(label)} {{key: row.key}}) SET n += row.props"


def relationship_merge_query(rel_type: str, head_label: str, tail_label: str) -> str:
    # Labelled endpoints so the MATCHes use the key constraints' indexes.
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{_label(head_label)} {{key: row.head}}) "
        f"MATCH (b:{_label(tail_label)} {{key: row.tail}}) "
        f"MERGE (a)-[r:{_rel_type(rel_type)}]->(b) SET r += row.props"
    )


# ---------------------------------------------------------------- rows (pure)


_INT64 = range(-(2**63), 2**63)


def to_property(value: Any) -> Any:
    """A value Neo4j can store, or None for no property (None, empty strings and empty lists:
    neo4j-admin import reads an empty CSV cell as no property, and both paths must agree; a paper
    read without an abstract, or an API record without a title, has none).

    Scalars and lists of one scalar type stay as they are; dicts, lists of dicts and mixed lists
    (edge ``evidence``) become a JSON string, which ``json.loads`` turns back into the original.
    Integers beyond Neo4j's 64 bits become text too (the driver would refuse to send them).
    """
    if isinstance(value, int) and not isinstance(value, bool) and value not in _INT64:
        return str(value)
    if value == "":
        return None
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        items = list(value)
        if not items:
            return None  # as neo4j-admin import does: an empty array has no element type
        kinds = {type(v) for v in items}
        if (
            len(kinds) == 1
            and kinds <= {str, bool, int, float}
            and not (kinds == {int} and any(v not in _INT64 for v in items))
        ):
            return items
        return json.dumps(items, ensure_ascii=False, sort_keys=True)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _props(attrs: Mapping[str, Any]) -> Row:
    # None stays: ``SET n += {p: null}`` removes p, so a reload drops values the graph dropped.
    return {str(name): to_property(value) for name, value in attrs.items()}


def _node_label_key(nid: str, attrs: Mapping[str, Any]) -> tuple[str, str]:
    try:
        label, key = split_node_id(str(nid))
    except ValueError:
        raise StoreError(f"node {str(nid)[:80]!r} is not a 'Type:key' id of kg.schema") from None
    return _label(str(attrs.get("type", label))), str(attrs.get("key", key))


def node_delete(nid: str, attrs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The Cypher and parameters that delete one node of a graph and its relationships (``kg
    update --neo4j``): the label comes from kg.schema through the same checks as a load, the key
    travels as a parameter."""
    label, key = _node_label_key(nid, attrs)
    return f"MATCH (n:{label} {{key: $key}}) DETACH DELETE n", {"key": key}


def relationship_delete(
    head: tuple[str, Mapping[str, Any]], tail: tuple[str, Mapping[str, Any]], rel: str
) -> tuple[str, dict[str, Any]]:
    """The Cypher and parameters that delete one relationship between two nodes of a graph."""
    (hl, hk), (tl, tk) = _node_label_key(*head), _node_label_key(*tail)
    query = f"MATCH (a:{hl} {{key: $head}})-[r:{_rel_type(rel)}]->(b:{tl} {{key: $tail}}) DELETE r"
    return query, {"head": hk, "tail": tk}


def node_rows(graph: nx.MultiDiGraph) -> dict[str, list[Row]]:
    """MERGE rows per label: ``{"key": …, "props": {…, "id": "Type:key"}}``."""
    rows: dict[str, list[Row]] = defaultdict(list)
    for nid, attrs in graph.nodes(data=True):
        label, key = _node_label_key(nid, attrs)
        props = _props(attrs)
        props.update(id=str(nid), key=key, type=label)
        rows[label].append({"key": key, "props": props})
    return dict(rows)


def relationship_rows(graph: nx.MultiDiGraph) -> dict[RelGroup, list[Row]]:
    """MERGE rows per (type, head label, tail label): ``{"head": key, "tail": key, "props": {…}}``."""
    rows: dict[RelGroup, list[Row]] = defaultdict(list)
    for u, v, k, attrs in graph.edges(keys=True, data=True):
        rel_type = _rel_type(str(attrs.get("type", k)))
        head_label, head_key = _node_label_key(u, graph.nodes[u])
        tail_label, tail_key = _node_label_key(v, graph.nodes[v])
        props = _props(attrs)
        props.pop("type", None)  # it is the relationship's type; a property would repeat it
        rows[(rel_type, head_label, tail_label)].append({"head": head_key, "tail": tail_key, "props": props})
    return dict(rows)


def _batches(rows: Sequence[Row], size: int) -> Iterator[list[Row]]:
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])


# ---------------------------------------------------------------- server operations


@dataclass
class LoadReport:
    nodes: dict[str, int]  # rows sent per label
    relationships: dict[str, int]  # rows sent per type
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.nodes.values()) + sum(self.relationships.values())


def apply_constraints(driver: neo4j.Driver, settings: Settings) -> None:
    for statement in constraint_statements():
        _execute(driver, settings, statement, write=True)


def load_graph(
    driver: neo4j.Driver,
    graph: nx.MultiDiGraph,
    settings: Settings,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> LoadReport:
    """MERGE every node, then every relationship, ``batch_size`` rows per managed transaction.

    Idempotent: a second load of the same graph changes no counts. ``on_batch`` gets the number of
    rows each finished batch held (for a progress bar).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    nodes, rels = node_rows(graph), relationship_rows(graph)  # validates everything before writing
    started = time.perf_counter()
    apply_constraints(driver, settings)
    for label, rows in nodes.items():
        query = node_merge_query(label)
        for batch in _batches(rows, batch_size):
            _execute(driver, settings, query, {"rows": batch}, write=True)
            if on_batch:
                on_batch(len(batch))
    rel_counts: dict[str, int] = defaultdict(int)
    for (rel_type, head, tail), rows in rels.items():
        query = relationship_merge_query(rel_type, head, tail)
        rel_counts[rel_type] += len(rows)
        for batch in _batches(rows, batch_size):
            _execute(driver, settings, query, {"rows": batch}, write=True)
            if on_batch:
                on_batch(len(batch))
    return LoadReport({k: len(v) for k, v in nodes.items()}, dict(rel_counts), time.perf_counter() - started)


def total_rows(graph: nx.MultiDiGraph) -> int:
    return graph.number_of_nodes() + graph.number_of_edges()


def wipe(driver: neo4j.Driver, settings: Settings) -> None:
    """Delete every node and relationship of the database, in batches (auto-commit transactions).
    Relationships go first: a batch of 10,000 nodes that DETACH DELETEs a hub of a large graph (a
    Method in 100,000 papers) takes all its relationships into one transaction and exceeded the
    server's transaction memory pool."""
    try:
        with driver.session(database=settings.database) as session:
            session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
            session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
        raise store_error(exc, settings) from None


def count_graph(driver: neo4j.Driver, settings: Settings) -> tuple[dict[str, int], dict[str, int]]:
    """(nodes per label, relationships per type) as the server holds them."""
    _, labels = run_query(driver, settings, "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n")
    _, types = run_query(driver, settings, "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")
    return {r["label"]: r["n"] for r in labels}, {r["type"]: r["n"] for r in types}


def run_query(
    driver: neo4j.Driver,
    settings: Settings,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    *,
    write: bool = False,
) -> tuple[list[str], list[Row]]:
    """Run one query (read-only unless ``write``); return its column names and plain-value rows."""
    result = _execute(driver, settings, cypher, params, write=write)
    return list(result.keys), [{k: to_plain(r[k]) for k in result.keys} for r in result.records]


def _execute(
    driver: neo4j.Driver, settings: Settings, cypher: str, params: Mapping[str, Any] | None = None, *, write: bool
) -> neo4j.EagerResult:
    # execute_query runs a managed transaction: transient failures are retried by the driver.
    routing = neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ
    try:
        return driver.execute_query(
            cypher, parameters_=dict(params or {}), database_=settings.database, routing_=routing
        )
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
        raise store_error(exc, settings) from None


def to_plain(value: Any) -> Any:
    """Driver values (nodes, relationships, paths, temporal types) as JSON-ready Python values."""
    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), **{k: to_plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        return {
            "type": value.type,
            "start": value.start_node.get("id") if value.start_node else None,
            "end": value.end_node.get("id") if value.end_node else None,
            **{k: to_plain(v) for k, v in value.items()},
        }
    if isinstance(value, neo4j.graph.Path):
        return {
            "nodes": [to_plain(n) for n in value.nodes],
            "relationships": [to_plain(r) for r in value.relationships],
        }
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
