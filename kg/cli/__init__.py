"""The ``kg`` command: one module per group of commands, each a thin call into the packages below.

- ``pipeline``: extract, build
- ``graph``: stats, render, explain
- ``eval``: eval
- ``store``: load, query, schema, export (Neo4j)

Errors a user can act on (bad input, unreachable store) become one line on stderr and an exit
code (2 bad input or usage, 3 store), never a traceback: see ``common.KgCommand``.
"""

from __future__ import annotations

import signal
import sys

import click

from kg.cli import eval as eval_commands
from kg.cli import graph, pipeline, store
from kg.cli.common import KgCommand, as_click
from kg.errors import KgError

__all__ = ["cli", "main"]


class KgGroup(click.Group):
    command_class = KgCommand


def _on_sigterm(signum, frame):  # atomic writers clean up on SystemExit like on Ctrl-C
    raise SystemExit(128 + signum)


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
    signal.signal(signal.SIGTERM, _on_sigterm)


for _module in (pipeline, graph, eval_commands, store):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    try:
        cli.main(prog_name="kg")
    except KgError as err:  # raised outside a command's invoke (e.g. while closing a stream)
        as_click(err).show()
        sys.exit(err.exit_code)
