"""``kg load``, ``kg query``, ``kg schema`` and ``kg export``: thin calls into kg.store (Neo4j).

The password comes only from the environment (NEO4J_PASSWORD): an option would put it in shell
history and ``ps`` output.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg.cli.common import KgCommand, echo, progress
from kg.cli.connection import connection_options, neo4j_settings
from kg.errors import UsageError
from kg.schema import NODE_TYPES, RELATION_TYPES
from kg.store import settings as store_settings
from kg.store.queries import NAMED_QUERIES, bind_params, find_query

# kg.store.neo4j (the driver, networkx) is imported inside the commands that talk to Neo4j:
# importing it costs ~0.9 s, which every kg command, --help included, would otherwise pay.

__all__ = ["COMMANDS", "export", "format_rows", "json_or_text", "load", "parse_param", "query", "schema"]


@click.command(cls=KgCommand)
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@connection_options
@click.option(
    "--batch-size",
    default=store_settings.DEFAULT_BATCH_SIZE,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows per transaction.",
)
@click.option("--wipe", is_flag=True, help="Delete everything in the database first.")
@click.option("--yes", is_flag=True, help="Do not ask before --wipe.")
def load(source: Path, uri: str, user: str, database: str, batch_size: int, wipe: bool, yes: bool) -> None:
    """Load a graph (JSON/GraphML/GEXF) or an extraction JSONL into Neo4j, idempotently.

    Example: NEO4J_PASSWORD=… kg load out/graph.json --wipe --yes
    """
    from kg.graph.formats import read_source
    from kg.store import neo4j as store

    graph = read_source(source)
    settings = neo4j_settings(uri, user, database)
    driver = store.connect(settings)
    try:
        if wipe:
            if not yes and not click.confirm(
                f"Delete every node and relationship in database {database!r} at {uri}?", err=True
            ):
                raise UsageError("not wiped, nothing loaded")
            store.wipe(driver, settings)
        with progress(store.total_rows(graph), "loading", "rows") as advance:
            report = store.load_graph(driver, graph, settings, batch_size=batch_size, on_batch=advance)
    finally:
        driver.close()
    rate = report.rows / report.seconds if report.seconds else 0.0
    click.echo(
        f"loaded {sum(report.nodes.values())} nodes and {sum(report.relationships.values())} "
        f"relationships into {database!r} in {report.seconds:.1f}s ({rate:,.0f} rows/s)"
    )


def parse_param(text: str) -> tuple[str, str]:
    """``name=value`` split at the first ``=``."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"--param {text!r}: expected name=value")
    return name.strip(), raw


def json_or_text(raw: str) -> Any:
    """A raw-Cypher parameter: JSON when it parses (42, 1.5, true, null, ["a"], "2401.00003"), else text."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _table(columns: list[str], rows: list[dict[str, Any]]) -> str:
    table = [columns, *([_cell(r.get(c)).replace("\n", " ") for c in columns] for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines + [f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])


def _json(columns: list[str], rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(r.get(c)) for c in columns] for r in rows)
    return buffer.getvalue().rstrip("\n")


ROW_FORMATS: dict[str, Callable[[list[str], list[dict[str, Any]]], str]] = {"table": _table, "json": _json, "csv": _csv}


def format_rows(columns: list[str], rows: list[dict[str, Any]], fmt: str) -> str:
    """Rows as an aligned text table, a JSON array or CSV (lists and maps as JSON in cells)."""
    return ROW_FORMATS[fmt](columns, rows)


@click.command(cls=KgCommand)
@click.argument("cypher", required=False)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A query parameter (repeatable). For raw Cypher VALUE is JSON if it parses, "
    "else text (quote it, '\"2401.00003\"', to keep a number-like text).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(ROW_FORMATS)),
    default="table",
    show_default=True,
    help="How to print the rows.",
)
@click.option("--write", is_flag=True, help="Allow the query to write (default: read-only).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries.")
@connection_options
def query(
    cypher: str | None,
    params: tuple[str, ...],
    fmt: str,
    write: bool,
    list_queries: bool,
    uri: str,
    user: str,
    database: str,
) -> None:
    """Run Cypher or a named query (see --list), read-only unless --write.

    Example: kg query papers-on-dataset --param dataset=ImageNet
    """
    if list_queries:
        for q in NAMED_QUERIES.values():
            wanted = [f"{p}=…" for p in q.params] + [f"[{p}={json.dumps(v)}]" for p, v in q.defaults.items()]
            click.echo(f"{q.name} {' '.join(wanted)}".rstrip())
            click.echo(f"    {q.description}")
            if q.aliases:
                click.echo(f"    aliases: {', '.join(q.aliases)}")
        return
    if not cypher:
        raise UsageError("give a Cypher query or a query name (kg query --list)")
    raw = dict(parse_param(p) for p in params)
    named = find_query(cypher)
    if named is not None:
        try:
            given = bind_params(named, raw)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        cypher = named.cypher
    elif re.fullmatch(r"[A-Za-z][\w-]*", cypher.strip()):  # a name, not Cypher: a mistyped query name
        names = [name for q in NAMED_QUERIES.values() for name in (q.name, *q.aliases)]
        close = difflib.get_close_matches(cypher.strip().lower(), names, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise UsageError(f"no named query {cypher.strip()!r}{hint} (kg query --list)")
    else:
        given = {name: json_or_text(text) for name, text in raw.items()}
    from kg.store import neo4j as store

    settings = neo4j_settings(uri, user, database)
    driver = store.connect(settings)
    try:
        columns, rows = store.run_query(driver, settings, cypher, given, write=write)
    finally:
        driver.close()
    echo(format_rows(columns, rows, fmt), raw=fmt != "table")


@click.command(cls=KgCommand)
@click.option("--cypher", is_flag=True, help="Print the Neo4j constraints and indexes as Cypher.")
def schema(cypher: bool) -> None:
    """Show the node and relation types (from kg/schema.py), or --cypher for Neo4j.

    Example: kg schema --cypher > schemas/neo4j/constraints.cypher
    """
    if cypher:
        from kg.store.neo4j import constraints_cypher

        click.echo(constraints_cypher(), nl=False)
        return
    click.echo("node types:")
    for t in NODE_TYPES.values():
        click.echo(f"  {t.name:<11} key: {t.key}")
    click.echo("relation types:")
    for r in RELATION_TYPES.values():
        click.echo(f"  {r.name:<14} {'|'.join(r.heads)} -> {'|'.join(r.tails)}")


@click.command(cls=KgCommand)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("parts", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-g",
    "--graph",
    "source",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The graph file (JSON/GraphML/GEXF) or extraction JSONL to export (built in memory).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["neo4j-admin"]),
    default="neo4j-admin",
    show_default=True,
    help="The export format (CSV files for neo4j-admin database import).",
)
@click.option(
    "--database",
    default=store_settings.DEFAULT_DATABASE,
    show_default=True,
    help="Database name in the printed import command.",
)
def export(directory: Path, parts: tuple[Path, ...], source: Path | None, fmt: str, database: str) -> None:
    """Write neo4j-admin import CSVs for a graph, or stream them from extraction files
    (PARTS: .jsonl, .jsonl.gz, or a `kg extract --cluster` OUTDIR) without building the graph
    in memory; print the command to run.

    \b
    kg export --format neo4j-admin out/neo4j-import --graph out/graph.json
    kg export --format neo4j-admin out/neo4j-import out/parts/
    """
    if (source is None) == (not parts):
        raise UsageError("give --graph GRAPH or extraction files (PARTS…): one of the two")
    if parts:
        from kg.store.stream_export import export_stream

        report = export_stream(parts, directory, database)
    else:
        from kg.graph.formats import read_source
        from kg.store.admin_export import export_neo4j_admin

        assert source is not None
        report = export_neo4j_admin(read_source(source), directory, database)
    click.echo(
        f"wrote {len(report.node_files)} node files and {len(report.relationship_files)} "
        f"relationship files to {directory} ; with the DBMS stopped, run "
        f"(also in {report.command_file}):",
        err=True,
    )
    click.echo(report.command)


COMMANDS = (load, query, schema, export)
