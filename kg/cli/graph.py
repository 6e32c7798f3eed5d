"""``kg stats``, ``kg render`` and ``kg explain``: reading a built graph."""

from __future__ import annotations

import click

from kg.cli.common import KgCommand, echo
from kg.errors import KgError


@click.command(cls=KgCommand)
@click.argument("graph", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(graph, as_json):
    """Counts of nodes and edges by type, and the most connected entities.

    \b
    kg stats out/graph.json
    """
    from kg.graph.formats import read_source
    from kg.graph.stats import dumps_stats, format_stats
    from kg.graph.stats import stats as compute

    s = compute(read_source(graph))
    echo(dumps_stats(s), raw=True) if as_json else echo(format_stats(s))


@click.command(cls=KgCommand)
@click.argument("graph", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="HTML file to write.")
@click.option("--focus", default=None, help="Show only the neighbourhood of this entity (name or alias).")
@click.option(
    "--depth",
    type=click.IntRange(1, 10),
    default=2,
    show_default=True,
    help="With --focus: how many hops around the focus to show.",
)
@click.option("--types", default=None, help="Comma-separated node types to keep, e.g. Method,Dataset.")
@click.option(
    "--min-papers",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Hide entities backed by fewer papers (Paper nodes are kept).",
)
@click.option("--max-nodes", type=click.IntRange(1), default=None, help="Keep the most connected N nodes.")
@click.option("--title", default=None, help='The page title (default "paper-kg graph", or the focus).')
def render(graph, output, focus, depth, types, min_papers, max_nodes, title):
    """Render a self-contained, navigable HTML page of the graph.

    \b
    kg render out/graph.json -o out/graph.html
    kg render out/graph.json -o out/clip.html --focus CLIP --depth 2
    """
    from kg.graph.formats import read_source
    from kg.render.html import render_html

    g = read_source(graph)
    type_list = [t.strip() for t in types.split(",") if t.strip()] if types else None
    try:
        report = render_html(
            g,
            output,
            focus=focus,
            depth=depth,
            types=type_list,
            min_papers=min_papers,
            max_nodes=max_nodes,
            title=title,
        )
    except ValueError as err:  # the library's word for a focus or type that is not in the graph
        raise KgError(str(err)) from None
    click.echo(report.summary(), err=True)


@click.command(cls=KgCommand)
@click.argument("graph", type=click.Path())
@click.argument("entity_or_edge")
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    help="For an entity: how many of its edges to show (one evidence line each); for an edge: how many evidence lines.",
)
def explain(graph, entity_or_edge, limit):
    """Why an entity or an edge exists: its papers, sentences, extractors and confidences.

    \b
    kg explain out/graph.json MMRL
    kg explain out/graph.json "MMRL: Multi-Modal Representation Learning for Vision-Language Models -> PROPOSES -> MMRL"
    kg explain out/graph.json "MMRL: Multi-Modal Representation Learning for Vision-Language Models -> MMRL"

    An edge is HEAD -> TYPE -> TAIL, or HEAD -> TAIL for every edge between the two; a node is
    named by its name, an alias or its id (a paper by its title).
    """
    from kg.graph.explain import explain as run
    from kg.graph.formats import read_source

    echo(run(read_source(graph), entity_or_edge, limit=limit))


COMMANDS = (stats, render, explain)
