"""The ``kg`` command: one module per group of commands, each a thin call into the packages below.

- ``pipeline``: extract, build
- ``graph``: stats, render, explain
- ``eval``: eval
- ``store``: load, query, schema, export (Neo4j)
- ``fetch``: fetch, update (papers from the APIs)
- ``analysis``: leaderboard, trends
- ``serve``: serve (a local web app)

Errors a user can act on (bad input, unreachable store) become one line on stderr and an exit
code (2 bad input or usage, 3 store), never a traceback: see ``common.KgCommand``.
"""

from __future__ import annotations

import signal
import sys

import click

from kg.cli import analysis, fetch, graph, pipeline, serve, store
from kg.cli import eval as eval_commands
from kg.cli.common import KgCommand, as_click, discard_stdout
from kg.errors import KgError
from kg.io.atomic import STDOUT, cannot_write

__all__ = ["cli", "main"]


class KgGroup(click.Group):
    command_class = KgCommand


def _on_signal(signum, frame):  # atomic writers clean up on SystemExit like on Ctrl-C
    raise SystemExit(128 + signum)


def _handle_signals() -> None:
    """SIGTERM and SIGHUP (a closed terminal) end a run like Ctrl-C: no temporary file is left.
    A signal already ignored (``nohup kg build …``) stays ignored."""
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None and signal.getsignal(sig) == signal.SIG_DFL:
            signal.signal(sig, _on_signal)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="paper-kg")
def cli() -> None:
    """paper-kg: machine-learning paper abstracts in, knowledge graph out.

    \b
    kg extract examples/hf-papers/ -o out/extractions.jsonl
    kg build   examples/hf-papers/ -o out/graph.json
    kg render  out/graph.json -o out/graph.html
    kg stats   out/graph.json
    """
    _handle_signals()


for _module in (pipeline, fetch, graph, analysis, eval_commands, store, serve):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    try:
        cli.main(prog_name="kg")
    except KgError as err:  # raised outside a command's invoke (e.g. while closing a stream)
        as_click(err).show()
        sys.exit(err.exit_code)
    except OSError as err:  # stdout failed (a full disk, /dev/full) outside a command's own writes
        if err.filename is not None:
            raise
        as_click(cannot_write(STDOUT, err)).show()
        discard_stdout()
        sys.exit(2)
