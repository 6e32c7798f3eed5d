"""``kg serve``: a local web app over a graph file or Neo4j; a thin call into kg.serve."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from kg.cli.common import KgCommand
from kg.cli.connection import connection_options, neo4j_settings
from kg.errors import UsageError

if TYPE_CHECKING:
    from kg.serve.backend import Backend


@click.command(cls=KgCommand)
@click.argument("graph", required=False, type=click.Path())
@click.option("--neo4j", "use_neo4j", is_flag=True, help="Serve the graph held in Neo4j (read-only) instead of a file.")
@connection_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on: loopback only, or 0.0.0.0 (every interface) when given explicitly.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
def serve(graph, use_neo4j, uri, user, database, host, port):
    """Explore a graph of any size in the browser: search, entity and paper pages, a JSON API.

    \b
    kg serve out/graph.json                      # then open http://127.0.0.1:8000/
    NEO4J_PASSWORD=… kg serve --neo4j --port 8080

    Read-only. It listens on loopback unless --host 0.0.0.0 is given (the app has no login).
    """
    from kg.serve.server import check_host, need_extra

    need_extra()
    if bool(graph) == use_neo4j:
        raise UsageError("give a graph file or --neo4j (one of them)")
    loopback = check_host(host)
    from kg.serve.server import listen, run

    sock = listen(host, port)  # before loading: a busy port fails in a second, not after the load
    started = time.perf_counter()
    backend: Backend
    if use_neo4j:
        from kg.serve.neo4j_backend import Neo4jBackend

        backend = Neo4jBackend(neo4j_settings(uri, user, database))
        where = f"Neo4j at {uri}"
    else:
        from kg.serve.file_backend import FileBackend

        backend = FileBackend.from_path(graph)
        where = str(graph)
    from kg.serve.analysis import analysis_for
    from kg.serve.app import create_app

    app = create_app(backend, title=f"paper-kg: {where}", analysis=analysis_for(backend))
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"kg serve: {where}, {len(app.state.index):,} names indexed in {time.perf_counter() - started:.1f} s; "
        f"open http://{shown}:{sock.getsockname()[1]}/ (Ctrl-C stops)",
        err=True,
    )
    if not loopback:
        click.echo(
            "kg serve: listening on every interface: anyone who can reach this port can read the graph", err=True
        )
    try:
        run(app, sock)
    finally:
        backend.close()


COMMANDS = [serve]
