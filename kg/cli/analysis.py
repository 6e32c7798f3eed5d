"""``kg leaderboard`` and ``kg trends``: what the graph says across papers."""

from __future__ import annotations

import click

from kg.cli.common import KgCommand, echo

_FORMATS = ("table", "json", "csv", "markdown")


@click.command(cls=KgCommand)
@click.argument("graph", type=click.Path())
@click.option(
    "--dataset", default=None, help="Show this dataset's tables (name, key or alias; its family's variants too)."
)
@click.option("--metric", default=None, help="With --dataset: only this metric's table.")
@click.option("--task", default=None, help="With --dataset: only results of papers addressing this task.")
@click.option("--exact", is_flag=True, help="With --dataset: only the variant named, not its whole family.")
@click.option(
    "--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True, help="How to print the rows."
)
def leaderboard(graph, dataset, metric, task, exact, fmt):
    """Benchmarks, or a dataset's leaderboard: results ranked by the metric's direction.

    \b
    kg leaderboard out/graph.json
    kg leaderboard out/graph.json --dataset ImageNet --metric FID
    kg leaderboard out/graph.json --dataset imagenet-256 --exact --format markdown

    Without --dataset: every (dataset, metric) pair with an absolute result, most results first.
    Lower is better for FID, error rates, perplexity, latency, memory…; higher for accuracy,
    BLEU, F1, mAP… (kg/data/metric_directions.json). Relative results are listed apart, unranked.
    The results part of a graph file is kept beside it (GRAPH.results.json) for the next call.
    """
    from kg.analysis.leaderboard import benchmarks, leaderboards
    from kg.analysis.output import format_benchmarks, format_leaderboards
    from kg.analysis.results_graph import read_for_leaderboard
    from kg.errors import UsageError

    if dataset is None and (metric or task or exact):
        raise UsageError("--metric, --task and --exact need --dataset NAME")
    g = read_for_leaderboard(graph)
    if dataset is None:
        echo(format_benchmarks(benchmarks(g), fmt), raw=fmt == "json")
        return
    boards = leaderboards(g, dataset, metric, task, exact=exact)
    if not boards and fmt in ("table", "markdown"):
        echo(f"no results on {dataset!r} in {graph}")
        return
    echo(format_leaderboards(boards, fmt), raw=fmt == "json")


@click.command(cls=KgCommand)
@click.argument("graph", type=click.Path())
@click.option(
    "--type",
    "entity_type",
    type=click.Choice(("Method", "Dataset", "Task", "Metric")),
    default="Method",
    show_default=True,
    help="Which entities to count.",
)
@click.option("--by", type=click.Choice(("month", "week")), default="month", show_default=True, help="Period length.")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True, help="How many rising entities to show.")
@click.option(
    "--min-papers",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    help="Entities in fewer dated papers are not ranked (one-paper blips).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write a chart (.svg or .png).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "json")),
    default="table",
    show_default=True,
    help="How to print the periods and the rising entities.",
)
def trends(graph, entity_type, by, top, min_papers, output, fmt):
    """Papers mentioning each entity per period, and the entities rising fastest.

    \b
    kg trends out/graph.json --type Method --by month --top 10
    kg trends out/graph.json -o trends.svg

    Periods come from paper dates; papers without a date are counted and reported, never dated.
    Rise: log2 of an entity's share of recent papers over its share of earlier ones, each share
    smoothed by 2 pseudo-papers (see README, "Leaderboards and trends").
    """
    from kg.analysis.trends import compute_trends, format_trends
    from kg.graph.formats import read_source

    report = compute_trends(read_source(graph), entity_type, by=by, top=top, min_papers=min_papers)
    if output:
        from kg.analysis.chart import write_chart

        write_chart(report, output)
        click.echo(f"wrote {output}", err=True)
    echo(report.to_json() if fmt == "json" else format_trends(report), raw=fmt == "json")


COMMANDS: list[click.Command] = [leaderboard, trends]
