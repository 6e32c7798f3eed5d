"""``kg fetch`` and ``kg update``: fresh papers from the APIs, and a graph kept up to date with them.

Exit codes (both commands): 0 done (also when nothing was new), 2 bad input or usage, 3 Neo4j
unreachable or failed, 4 an API kept failing or refused the request (the fetch's state is kept:
the same command resumes), 75 another ``kg update`` of the graph runs and ``--no-wait`` was given.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

import click

from kg.cli.common import KgCommand, LazyChoice, progress
from kg.cli.connection import connection_options, neo4j_settings
from kg.cli.inputs import check_model, extract_options, finite_results, input_files_of, read_inputs, warn_skipped
from kg.errors import UsageError


def _source_names() -> tuple[str, ...]:
    from kg.fetch.sources import SOURCES

    return tuple(SOURCES)


def _reader_formats() -> tuple[str, ...]:
    from kg.read import FORMATS

    return FORMATS


def fetch_options(f: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--query",
            default=None,
            help="arXiv search_query (cat:cs.LG AND ti:diffusion), or the Semantic Scholar / OpenAlex search text.",
        ),
        click.option(
            "--category",
            "categories",
            multiple=True,
            metavar="CAT",
            help="arXiv category (cs.LG); repeat for several (any of them).",
        ),
        click.option(
            "--filter", "filter_", default=None, help="OpenAlex filter (concepts.id:C154945302,type:article)."
        ),
        click.option("--date", default=None, metavar="YYYY-MM-DD", help="Papers of this one day."),
        click.option("--since", default=None, metavar="YYYY-MM-DD", help="Papers from this day on."),
        click.option(
            "--until", default=None, metavar="YYYY-MM-DD", help="With --since: up to this day (default today, UTC)."
        ),
        click.option(
            "--max",
            "max_",
            type=click.IntRange(min=0),
            default=1000,
            show_default=True,
            help="At most this many papers (0: all the API gives).",
        ),
        click.option(
            "--page-size",
            type=click.IntRange(1, 2000),
            default=None,
            help="Records per request (arXiv default 100, OpenAlex 200, at most 200 there).",
        ),
        click.option(
            "--delay",
            type=click.FloatRange(min=0),
            default=None,
            envvar="KG_FETCH_MIN_DELAY",
            help="Seconds between requests (env KG_FETCH_MIN_DELAY; default: arXiv 3, "
            "Hugging Face and Semantic Scholar 1, OpenAlex 0.1).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=30.0,
            show_default=True,
            help="Seconds to wait for a response before trying again.",
        ),
        click.option(
            "--retries",
            type=click.IntRange(0, 20),
            default=5,
            show_default=True,
            help="Tries after a timeout, a dropped or truncated response, 429 or 5xx (backoff "
            "doubling from KG_FETCH_BACKOFF seconds, default 1, or the server's Retry-After).",
        ),
        click.option("--api-url", default=None, help="The API endpoint (a mirror, or a local replay)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _spec(query, categories, filter_, date, since, until, max_, page_size):
    from kg.fetch.sources import Spec

    if date and (since or until):
        raise UsageError("give --date, or --since (and --until), not both")
    if until and not since:
        raise UsageError("--until needs --since")
    if since and not until:  # fixed now, so a fetch resumed tomorrow asks the same question
        until = datetime.now(UTC).date().isoformat()
    return Spec(query, tuple(categories), filter_, date, since, until, max_, page_size)


def _client(source, delay, timeout, retries, quiet):
    from kg.fetch.http import Client

    try:
        backoff = float(os.environ.get("KG_FETCH_BACKOFF", "1"))
    except ValueError:
        raise UsageError("KG_FETCH_BACKOFF must be a number of seconds") from None
    return Client(
        min_delay=source.min_delay if delay is None else delay,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        headers=source.headers,
        on_wait=None if quiet else lambda why: click.echo(f"kg fetch: {why}", err=True),
    )


class _Progress:
    """A bar on a terminal, opened at the first page (when the API has said how many match)."""

    def __init__(self, stack: ExitStack, limit: int, quiet: bool):
        self.stack, self.limit, self.quiet = stack, limit, quiet
        self.advance: Callable[[int], None] | None = None
        self.shown = 0

    def __call__(self, fetched: int, page: Any, pages: int) -> None:
        if self.advance is None:
            total = page.total if page.total is not None else self.limit
            total = min(total, self.limit) if self.limit and total else (total or fetched)
            self.advance = self.stack.enter_context(progress(total, "fetching", "papers", shown=not self.quiet))
        self.advance(fetched - self.shown)
        self.shown = fetched


def run_fetch(source_name, output, api_url, spec, delay, timeout, retries, quiet, restart=False, raw_dir=None):
    from kg.fetch.run import fetch
    from kg.fetch.sources import make_source

    source = make_source(source_name, spec, api_url)
    with ExitStack() as stack, _client(source, delay, timeout, retries, quiet) as client:
        report = fetch(
            source, output, client, raw_dir=raw_dir, restart=restart, on_page=_Progress(stack, spec.max, quiet)
        )
    return report


@click.command(cls=KgCommand)
@click.argument("source", type=LazyChoice(_source_names))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    required=True,
    help="JSONL of the fetched papers; the raw responses go to OUTPUT's name with .raw.",
)
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory for the raw responses and the resume state (default: out/new.jsonl -> out/new.raw).",
)
@click.option("--restart", is_flag=True, help="Start over instead of resuming an unfinished fetch.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
@fetch_options
def fetch(
    source,
    output,
    raw_dir,
    restart,
    quiet,
    query,
    categories,
    filter_,
    date,
    since,
    until,
    max_,
    page_size,
    delay,
    timeout,
    retries,
    api_url,
):
    """Fetch papers from an API into a JSONL that kg extract and kg build read.

    \b
    kg fetch arxiv --category cs.LG --since 2026-12-01 -o out/new.jsonl
    kg fetch hf-daily --date 2026-12-04 -o out/hf.jsonl
    kg fetch semantic-scholar --query "graph neural networks" --max 200 -o out/s2.jsonl
    kg fetch openalex --filter concepts.id:C154945302 --since 2026-12-01 -o out/oa.jsonl

    The raw responses stay beside the JSONL; a fetch that was stopped resumes when run again.
    """
    t0 = time.perf_counter()
    if output == "-" and raw_dir is None:
        raise UsageError("-o -: the raw responses need a directory; give --raw DIR (or -o FILE)")
    spec = _spec(query, categories, filter_, date, since, until, max_, page_size)
    r = run_fetch(source, output, api_url, spec, delay, timeout, retries, quiet, restart, raw_dir)
    if not quiet:
        resumed = f", resumed after page {r.resumed_at}" if r.resumed_at else ""
        dups = f", {r.duplicates:,} repeated dropped" if r.duplicates else ""
        click.echo(
            f"kg: fetched {r.papers:,} paper{'s' if r.papers != 1 else ''} in {r.pages:,} page"
            f"{'s' if r.pages != 1 else ''} ({r.requested:,} requested{resumed}{dups}) into {r.output}, "
            f"raw responses in {r.raw_dir} in {time.perf_counter() - t0:.1f} s",
            err=True,
        )
        if r.papers == 0:
            click.echo("kg: warning: the API returned no papers for this request", err=True)


def _extract(model, workers, batch_size, min_confidence) -> Callable[[Iterable], Iterator]:
    def run(papers: Iterable) -> Iterator:
        from kg.extract.stream import default_workers, extract_stream

        check_model(model)  # only now: a run with nothing new never loads spaCy (~4 s)

        threshold = {} if min_confidence is None else {"min_confidence": min_confidence}
        return finite_results(
            extract_stream(
                papers,
                model=None if model == "none" else model,
                workers=default_workers() if workers is None else workers,
                batch_size=batch_size,
                **threshold,
            )
        )

    return run


@click.command(cls=KgCommand)
@click.argument("graph", type=click.Path(dir_okay=False))
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option(
    "--fetch",
    "source",
    type=LazyChoice(_source_names),
    default=None,
    help="Fetch papers from this API first (with the fetch options below), into GRAPH.fetch/SOURCE.jsonl.",
)
@fetch_options
@click.option(
    "--format",
    "fmt",
    type=LazyChoice(_reader_formats),
    default=None,
    help="Format of INPUTS (default: detected per file).",
)
@click.option("--skip-invalid", is_flag=True, help="Warn about each bad record and go on.")
@click.option(
    "--max-chars",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Refuse a record whose title and abstract hold more than N characters (default 200,000; 0: none).",
)
@click.option(
    "--html",
    type=click.Path(dir_okay=False),
    default=None,
    help="Render the graph to this page when it changed (or the page does not exist yet).",
)
@click.option(
    "--neo4j",
    "to_neo4j",
    is_flag=True,
    help="Load what changed into Neo4j (the database holds the graph already: kg load GRAPH).",
)
@connection_options
@click.option("--no-wait", is_flag=True, help="Exit 75 at once if another update of GRAPH runs, instead of waiting.")
@extract_options
def update(
    graph,
    inputs,
    source,
    query,
    categories,
    filter_,
    date,
    since,
    until,
    max_,
    page_size,
    delay,
    timeout,
    retries,
    api_url,
    fmt,
    skip_invalid,
    max_chars,
    html,
    to_neo4j,
    uri,
    user,
    database,
    no_wait,
    min_confidence,
    workers,
    batch_size,
    model,
    quiet,
):
    """Add new and changed papers to a graph built by kg build: fetched, or read from INPUTS.

    \b
    kg update out/graph.json --fetch arxiv --category cs.LG --since 2026-12-01 --html out/graph.html
    kg update out/graph.json out/new.jsonl --neo4j

    Only papers the graph does not hold with the same title and abstract are extracted. With
    nothing new, nothing is written (graph, page and Neo4j keep every byte). Exit codes: 0 done,
    2 bad input or usage, 3 Neo4j, 4 the API kept failing (run again to resume), 75 another
    update of GRAPH runs (with --no-wait).
    """
    from kg.fetch.update import UpdateReport, update_graph
    from kg.graph.update import locked

    report = UpdateReport()  # its clock starts now: the summary's time includes the fetch
    if source is None and not inputs:
        raise click.UsageError("give INPUTS (files or directories) or --fetch SOURCE")
    if not Path(graph).is_file():
        raise UsageError(f"{graph}: no such graph file (kg build INPUTS -o {graph} makes one)")
    spec = _spec(query, categories, filter_, date, since, until, max_, page_size) if source else None
    files = input_files_of(inputs, None) if inputs else []  # a missing input fails before the fetch
    if model not in ("default", "fast", "none") and not Path(model).exists():  # the full check loads spaCy
        raise UsageError(f"--model {model}: no such model (default, fast, none, or a pipeline's directory)")
    on_error = warn_skipped if skip_invalid else None

    def waiting() -> None:
        if not quiet:
            click.echo(f"kg update: another update of {graph} is running; waiting for it", err=True)

    with locked(graph, wait=not no_wait, on_wait=waiting):
        streams = []
        if source is not None:
            out = Path(graph + ".fetch") / f"{source}.jsonl"
            fetched = run_fetch(source, out, api_url, spec, delay, timeout, retries, quiet)
            report.notes.append(
                f"fetched {fetched.papers:,} from {source} in {fetched.pages:,} page{'s' * (fetched.pages != 1)}"
            )
            streams.append(read_inputs([out], "jsonl", skip_invalid, max_chars))
        if files:
            streams.append(read_inputs(files, fmt, skip_invalid, max_chars))
        report = update_graph(
            graph,
            chain.from_iterable(streams),
            _extract(model, workers, batch_size, min_confidence),
            on_error=on_error,
            html=html,
            neo4j=neo4j_settings(uri, user, database) if to_neo4j else None,
            report=report,
        )
    if not quiet:
        click.echo(report.line(), err=True)


COMMANDS = (fetch, update)
