"""The ``kg`` command. Each command is a thin call into the packages below it.

Errors a user can act on (bad input, unreachable store) become one line on stderr and an exit
code (2 bad input or usage, 3 store), never a traceback.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from kg.errors import InputError, KgError

EXIT_INPUT = 2


class KgGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KgError as err:
            exc = click.ClickException(str(err))
            exc.exit_code = err.exit_code
            raise exc from None


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


# -- shared option bundles -------------------------------------------------------------------

def input_options(f):
    f = click.option("--format", "fmt", type=click.Choice(["hf-listing", "jsonl", "json", "arxiv-atom"]),
                     default=None, help="Input format (default: detected per file).")(f)
    f = click.option("--skip-invalid", is_flag=True,
                     help="Warn about each bad record and go on, instead of stopping at the first.")(f)
    return f


def extract_options(f):
    f = click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
                     help="Drop entities below this confidence (default 0.5).")(f)
    f = click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
                     help="Processes for extraction.")(f)
    f = click.option("--batch-size", type=click.IntRange(1, 10_000), default=64, show_default=True)(f)
    f = click.option("--model", default="default", show_default=True,
                     help='spaCy NER pipeline: "default" (shipped), a path, or "none" (rules only).')(f)
    f = click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")(f)
    return f


def _papers(inputs, fmt, skip_invalid, quiet):
    from kg.read import read_papers

    def warn(err: InputError) -> None:
        click.echo(f"kg: warning: {err} (skipped)", err=True)

    return read_papers(inputs, fmt, on_error=warn if skip_invalid else None)


def _extractions(inputs, fmt, skip_invalid, quiet, model, workers, batch_size, min_confidence):
    from kg.extract.assemble import DEFAULT_MIN_CONFIDENCE
    from kg.extract.run import extract_stream

    papers = _papers(inputs, fmt, skip_invalid, quiet)
    return extract_stream(papers, model=None if model == "none" else model, workers=workers,
                          batch_size=batch_size,
                          min_confidence=DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence)


def _summary(quiet: bool, verb: str, counts: dict[str, int], t0: float) -> None:
    if not quiet:
        parts = ", ".join(f"{v:,} {k}" for k, v in counts.items())
        click.echo(f"kg: {verb} {parts} in {time.perf_counter() - t0:.1f} s", err=True)


# -- commands --------------------------------------------------------------------------------

@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="-", show_default=True,
              help="JSONL file to write (- for stdout).")
@input_options
@extract_options
def extract(inputs, output, fmt, skip_invalid, min_confidence, workers, batch_size, model, quiet):
    """Extract entities, relations and results: one JSON line per paper.

    \b
    kg extract examples/hf-papers/ -o out/extractions.jsonl
    """
    from kg.io.atomic import atomic_write

    t0 = time.perf_counter()
    stream = _extractions(inputs, fmt, skip_invalid, quiet, model, workers, batch_size, min_confidence)
    n = ents = rels = 0

    def write(fh):
        nonlocal n, ents, rels
        for ex in stream:
            fh.write(ex.model_dump_json(exclude_none=False))
            fh.write("\n")
            n += 1
            ents += len(ex.entities)
            rels += len(ex.relations)

    if output == "-":
        write(click.get_text_stream("stdout"))
    else:
        with atomic_write(output) as fh:
            write(fh)
    _summary(quiet, "extracted", {"papers": n, "entities": ents, "relations": rels}, t0)


def _is_extraction_file(path: Path) -> bool:
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    with path.open(encoding="utf-8", errors="replace") as fh:
        first = fh.readline()
    return first.lstrip().startswith('{"paper"')


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="Graph file to write.")
@click.option("--graph-format", "graph_format", type=click.Choice(["json", "graphml", "gexf"]), default=None,
              help="Graph file format (default: from the suffix, else node-link JSON).")
@input_options
@extract_options
def build(inputs, output, graph_format, fmt, skip_invalid, min_confidence, workers, batch_size, model, quiet):
    """Build the knowledge graph from inputs (or from `kg extract` JSONL).

    \b
    kg build examples/hf-papers/ -o out/graph.json
    kg build out/extractions.jsonl -o out/graph.graphml
    """
    from kg.graph.build import build_graph, read_extractions
    from kg.graph.formats import write_graph

    t0 = time.perf_counter()
    paths = [Path(p) for p in inputs]
    if all(_is_extraction_file(p) for p in paths):
        stream = (ex for p in paths for ex in read_extractions(p))
    else:
        stream = _extractions(inputs, fmt, skip_invalid, quiet, model, workers, batch_size, min_confidence)
    g = build_graph(stream)
    write_graph(g, output, graph_format)
    papers = sum(1 for _, d in g.nodes(data=True) if d.get("type") == "Paper")
    _summary(quiet, "built", {"papers": papers, "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}, t0)


@cli.command()
@click.argument("graph", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(graph, as_json):
    """Counts of nodes and edges by type, and the most connected entities.

    \b
    kg stats out/graph.json
    """
    from kg.graph.build import dumps_stats, format_stats, stats as compute
    from kg.graph.formats import read_graph

    s = compute(read_graph(graph))
    click.echo(dumps_stats(s) if as_json else format_stats(s))


@cli.command()
@click.argument("graph", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="HTML file to write.")
@click.option("--focus", default=None, help="Show only the neighbourhood of this entity (name or alias).")
@click.option("--depth", type=click.IntRange(1, 10), default=2, show_default=True)
@click.option("--types", default=None, help="Comma-separated node types to keep, e.g. Method,Dataset.")
@click.option("--min-papers", type=click.IntRange(0), default=0, show_default=True)
@click.option("--max-nodes", type=click.IntRange(1), default=None, help="Keep the most connected N nodes.")
@click.option("--title", default=None)
def render(graph, output, focus, depth, types, min_papers, max_nodes, title):
    """Render a self-contained, navigable HTML page of the graph.

    \b
    kg render out/graph.json -o out/graph.html
    kg render out/graph.json -o out/clip.html --focus CLIP --depth 2
    """
    from kg.graph.formats import read_graph
    from kg.render.html import render_html

    g = read_graph(graph)
    type_list = [t.strip() for t in types.split(",") if t.strip()] if types else None
    try:
        report = render_html(g, output, focus=focus, depth=depth, types=type_list, min_papers=min_papers,
                             max_nodes=max_nodes, title=title)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    click.echo(str(report), err=True)


def main() -> None:
    try:
        cli.main(prog_name="kg")
    except KgError as err:  # raised outside a command's invoke (e.g. while closing a stream)
        click.echo(f"Error: {err}", err=True)
        sys.exit(err.exit_code)
