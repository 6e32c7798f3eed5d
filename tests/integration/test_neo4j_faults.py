"""Faults against the real Neo4j: a killed load, a refused batch, a real transient error, and
failures that must not show the password.

The loader writes each batch with ``driver.execute_query``: one managed transaction per batch,
which the driver retries on transient errors (the retry loop is the driver's, not ours, so it is
shown here with a real deadlock rather than a patched-in exception).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.bench.neo4j_load import resample
from kg.cli import cli
from kg.errors import KgError
from kg.graph.formats import read_graph, write_graph
from kg.store.neo4j import (QueryError, Settings, apply_constraints, connect, count_graph, load_graph,
                            node_rows, run_query)

from .conftest import NEO4J_PASSWORD, NEO4J_URI

pytestmark = pytest.mark.neo4j

SECRET = "pw-Zq8x-sentinel-7731"  # a password no message could contain by accident


def expected_counts(g: nx.MultiDiGraph) -> tuple[dict[str, int], dict[str, int]]:
    return (dict(Counter(a["type"] for _, a in g.nodes(data=True))),
            dict(Counter(k for _, _, k in g.edges(keys=True))))


def kg_command() -> list[str]:
    script = Path(sys.executable).with_name("kg")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from kg.cli import main; main()"]


def node_total(driver, settings) -> int:
    return run_query(driver, settings, "MATCH (n) RETURN count(n) AS n")[1][0]["n"]


# ---------------------------------------------------------------- a killed load


def copies(g: nx.MultiDiGraph, n: int) -> nx.MultiDiGraph:
    """``n`` disjoint copies of ``g``: the samples, resampled larger, as the load bench does."""
    return resample(g, n)


def batch_ends(g: nx.MultiDiGraph, size: int) -> set[int]:
    """How many nodes the loader has written after each of its node batches."""
    ends, done = set(), 0
    for rows in node_rows(g).values():
        for start in range(0, len(rows), size):
            done += len(rows[start:start + size])
            ends.add(done)
    return ends


def test_a_load_killed_midway_and_run_again_ends_with_exact_counts(neo4j_db, neo4j_settings, sample_graph,
                                                                  tmp_path):
    big = copies(sample_graph, 3)
    path = tmp_path / "graph.json"
    write_graph(big, path)
    nodes = big.number_of_nodes()
    command = [*kg_command(), "load", str(path), "--batch-size", "50"]
    env = {**os.environ, "NEO4J_PASSWORD": NEO4J_PASSWORD, "NEO4J_URI": NEO4J_URI}

    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        seen = 0
        while time.monotonic() < deadline and process.poll() is None:
            seen = node_total(neo4j_db, neo4j_settings)
            if seen >= 200:
                break
            time.sleep(0.01)
        assert process.poll() is None, "the load finished before it could be killed: make the graph larger"
        assert 0 < seen < nodes
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    partial = node_total(neo4j_db, neo4j_settings)
    assert 0 < partial < nodes and partial in batch_ends(read_graph(path), 50)  # whole batches only
    assert count_graph(neo4j_db, neo4j_settings)[1] == {}  # relationships come after all nodes

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"loaded {nodes} nodes and {big.number_of_edges()} relationships" in done.stdout
    assert count_graph(neo4j_db, neo4j_settings) == expected_counts(big)
    # Nothing doubled: MERGE on the unique key found the nodes the killed run had committed.
    assert run_query(neo4j_db, neo4j_settings,
                     "MATCH (n) WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN count(id) AS dupes")[1] \
        == [{"dupes": 0}]


# ---------------------------------------------------------------- a refused batch


def methods(n: int, bad: int | None = None, bad_name: str = "") -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for i in range(n):
        key = f"m{i:03d}"
        g.add_node(f"Method:{key}", type="Method", key=key, name=bad_name if i == bad else key.upper())
    return g


def method_keys(driver, settings) -> list[str]:
    return [r["k"] for r in run_query(driver, settings, "MATCH (m:Method) RETURN m.key AS k ORDER BY k")[1]]


def test_a_batch_the_server_refuses_lands_not_at_all(neo4j_db, neo4j_settings):
    # Row 75 sits in the second batch of 50. Its name is longer than the `name` index can hold:
    # the loader passes it through and the server refuses it while writing the batch.
    graph = methods(120, bad=75, bad_name="x" * 40_000)
    with pytest.raises(QueryError, match="too large to index"):
        load_graph(neo4j_db, graph, neo4j_settings, batch_size=50)
    # The first batch landed whole; rows 50..74, written before the bad row, were rolled back with
    # it; the third batch was never sent.
    assert method_keys(neo4j_db, neo4j_settings) == [f"m{i:03d}" for i in range(50)]
    # Fixed, the same load completes without duplicating the first batch.
    load_graph(neo4j_db, methods(120), neo4j_settings, batch_size=50)
    assert method_keys(neo4j_db, neo4j_settings) == [f"m{i:03d}" for i in range(120)]


def test_a_refused_batch_through_the_cli_is_one_line_and_nothing_of_it_lands(neo4j_db, neo4j_settings,
                                                                             tmp_path):
    path = tmp_path / "graph.json"
    write_graph(methods(30, bad=29, bad_name="y" * 40_000), path)
    result = CliRunner().invoke(cli, ["load", str(path), "--batch-size", "100"])
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and "too large to index" in result.output
    assert "Traceback" not in result.output
    assert method_keys(neo4j_db, neo4j_settings) == []


def test_integers_beyond_64_bits_load_as_text(neo4j_db, neo4j_settings, tmp_path):
    # Before the fix the driver raised OverflowError and `kg load` ended in a traceback.
    graph = methods(2)
    graph.nodes["Method:m000"].update(big=2**70, bigs=[1, -2**64])
    path = tmp_path / "graph.json"
    write_graph(graph, path)
    result = CliRunner().invoke(cli, ["load", str(path)])
    assert result.exit_code == 0, result.output
    _, rows = run_query(neo4j_db, neo4j_settings, "MATCH (m:Method {key: 'm000'}) RETURN m.big AS big, m.bigs AS bigs")
    assert rows == [{"big": str(2**70), "bigs": f"[1, {-2**64}]"}]


# ---------------------------------------------------------------- a real transient error


def test_a_deadlocked_batch_is_retried_by_the_driver(neo4j_db, neo4j_settings, caplog):
    """A real Neo.TransientError.Transaction.DeadlockDetected on a loader batch, retried to success.

    Another transaction holds node x; the loader's batch [y, x] locks y and waits for x; the other
    transaction then asks for y. The server breaks the cycle by failing the younger transaction,
    the loader's; the driver waits and runs the whole batch again once the other has committed.
    """
    settings = neo4j_settings
    apply_constraints(neo4j_db, settings)
    load_graph(neo4j_db, methods(2), settings)  # m000 (x) and m001 (y)
    graph = nx.MultiDiGraph()
    for key in ("m001", "m000"):
        graph.add_node(f"Method:{key}", type="Method", key=key, name=key.upper(), holder="loader")
    caplog.set_level(logging.WARNING, logger="neo4j")
    outcome: dict[str, object] = {}

    def loader() -> None:
        try:
            outcome["report"] = load_graph(neo4j_db, graph, settings)
        except Exception as exc:  # pragma: no cover - reported by the asserts below
            outcome["error"] = exc

    with neo4j_db.session(database=settings.database) as session:
        other = session.begin_transaction()
        other.run("MATCH (m:Method {key: 'm000'}) SET m.holder = 'other'").consume()
        thread = threading.Thread(target=loader)
        thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # until the loader's batch waits for x
            _, rows = run_query(neo4j_db, settings,
                                "SHOW TRANSACTIONS YIELD currentQuery, status "
                                "WHERE currentQuery STARTS WITH 'UNWIND $rows' AND status STARTS WITH 'Blocked' "
                                "RETURN count(*) AS n")
            if rows[0]["n"]:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the loader's batch never waited for the lock")
        try:
            other.run("MATCH (m:Method {key: 'm001'}) SET m.holder = 'other'").consume()
            other.commit()
        except Exception as exc:
            other.close()
            thread.join(30)
            if getattr(exc, "code", "") == "Neo.TransientError.Transaction.DeadlockDetected":
                pytest.skip("the server failed the other transaction this time, not the loader's")
            raise
    thread.join(30)
    assert not thread.is_alive()
    assert "error" not in outcome, outcome.get("error")
    retries = [r for r in caplog.records if r.name.startswith("neo4j") and "will be retried" in r.getMessage()]
    assert retries, "the loader's batch succeeded without a retry"
    # The driver logs the error's message only: this is the server's deadlock message.
    assert any("because holders of that lock are waiting for" in r.getMessage() for r in retries)
    # The retry ran the whole batch after the other transaction committed: the loader wrote last.
    _, rows = run_query(neo4j_db, settings, "MATCH (m:Method) RETURN m.key AS key, m.holder AS holder ORDER BY key")
    assert rows == [{"key": "m000", "holder": "loader"}, {"key": "m001", "holder": "loader"}]


# ---------------------------------------------------------------- the password never appears


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def exception_texts(exc: BaseException) -> str:
    """str and repr of the exception and of everything chained to it, and its full traceback."""
    texts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        texts += [str(exc), repr(exc), repr(getattr(exc, "args", ()))]
        exc = exc.__cause__ or exc.__context__
    return "\n".join(texts)


CASES = {  # name → (password, uri, database, what the one-line error says)
    "wrong password": (SECRET, NEO4J_URI, "neo4j", "check NEO4J_PASSWORD"),
    "server down": (SECRET, None, "neo4j", "cannot reach"),
    # Past authentication only with the real password: that is the one that must not show.
    "wrong database": (NEO4J_PASSWORD, NEO4J_URI, "nosuchdb", "no database 'nosuchdb'"),
}


@pytest.mark.parametrize("case", CASES)
def test_failures_never_show_the_password(neo4j_db, case, caplog, tmp_path):
    password, uri, database, message = CASES[case]
    uri = uri or f"bolt://127.0.0.1:{unused_port()}"
    caplog.set_level(logging.DEBUG, logger="neo4j")
    caplog.set_level(logging.DEBUG, logger="kg")
    env = {"NEO4J_PASSWORD": password, "NEO4J_URI": uri}
    path = tmp_path / "graph.json"
    write_graph(methods(3), path)

    def reset_failed_logins() -> None:
        # The server locks the user out (even with the right password) after 3 failed logins in
        # a row; a successful one resets the count.
        connect(Settings(uri=NEO4J_URI, password=NEO4J_PASSWORD)).close()

    seen: list[str] = []
    for args in (["query", "RETURN 1", "--database", database],
                 ["load", str(path), "--database", database]):
        reset_failed_logins()
        result = CliRunner().invoke(cli, args, env=env)
        assert result.exit_code == 3, result.output
        assert message in result.stderr and result.stderr.count("\n") == 1
        assert "Traceback" not in result.output
        seen += [result.stdout, result.stderr, result.output, exception_texts(result.exception)]

    reset_failed_logins()
    with pytest.raises(KgError) as raised:
        connect(Settings(uri=uri, password=password, database=database))
    assert raised.value.exit_code == 3
    seen += [exception_texts(raised.value), "".join(traceback.format_exception(raised.value)),
             repr(Settings(uri=uri, password=password, database=database))]

    reset_failed_logins()
    done = subprocess.run([*kg_command(), "query", "RETURN 1", "--database", database],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3 and message in done.stderr, done.stderr
    seen += [done.stdout, done.stderr]

    reset_failed_logins()
    records = [r for r in caplog.records if r.name.split(".")[0] in ("neo4j", "kg")]
    seen += [r.getMessage() for r in records]
    seen += [logging.Formatter().format(r) for r in records]  # with any exc_info
    if case != "server down":  # the driver did log the authentication, with the secret masked
        assert any("'credentials': '*******'" in r.getMessage() for r in records)
    assert password not in "\n".join(seen)
