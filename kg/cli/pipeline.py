"""``kg extract`` and ``kg build``: inputs through the extraction pipeline into JSONL or a graph."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import click

from kg.cli.common import KgCommand, LazyChoice, on_terminal, progress, summary
from kg.cli.inputs import (
    check_model,
    extract_options,
    finite_results,
    input_files_of,
    input_options,
    read_inputs,
    warn_skipped,
)
from kg.errors import InputError, UsageError


def _graph_formats() -> tuple[str, ...]:
    from kg.graph.formats import FORMATS

    return FORMATS


def _with_progress(stream: Iterable, files, fmt, shown: bool, max_chars=None) -> Iterator:
    """Papers/s and ETA on a terminal. Counting the papers first is cheap next to extracting them."""
    if not (shown and on_terminal()):
        yield from stream
        return
    from kg.read import DEFAULT_MAX_CHARS, read_papers, within_length

    limit = DEFAULT_MAX_CHARS if max_chars is None else max_chars
    # a counting pass: what the inputs hold is reported once, by the pass that extracts them
    counted = read_papers(files, fmt, on_error=_ignore, on_warning=None)
    total = sum(1 for _ in within_length(counted, limit, on_error=_ignore))
    with progress(total, "extracting", "papers") as advance:
        for item in stream:
            advance(1)
            yield item


def _ignore(err: InputError) -> None:
    pass


def _extractions(
    files,
    fmt,
    skip_invalid,
    quiet,
    model,
    workers,
    batch_size,
    min_confidence,
    only: Callable[[Iterable], Iterator] | None = None,
    as_lines=False,
    max_chars=None,
):
    """Extractions of the papers in ``files``; ``only`` filters the papers before extraction
    (and hides the progress bar, whose total would be wrong)."""
    from kg.extract.stream import default_workers, extract_stream

    check_model(model)
    papers = read_inputs(files, fmt, skip_invalid, max_chars)
    if only is not None:
        papers = only(papers)
    threshold = {} if min_confidence is None else {"min_confidence": min_confidence}
    stream = extract_stream(
        papers,
        model=None if model == "none" else model,
        workers=default_workers() if workers is None else workers,
        batch_size=batch_size,
        as_lines=as_lines,
        **threshold,
    )
    return _with_progress(stream, files, fmt, shown=not quiet and only is None, max_chars=max_chars)


@click.command(cls=KgCommand)
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default="-",
    show_default=True,
    help="JSONL file to write (- for stdout); with --cluster, the directory of part files.",
)
@click.option(
    "--cluster",
    default=None,
    metavar="local:N|tcp://HOST:PORT",
    help="Run on Dask distributed (pip install 'paper-kg[cluster]'): N local worker processes, or the "
    "scheduler at that address. Writes OUTDIR/part-NNNNN.jsonl.gz and manifest.json; a rerun resumes.",
)
@click.option(
    "--partition-size",
    type=click.IntRange(min=1024),
    default=None,
    metavar="BYTES",
    help="With --cluster: cut JSONL inputs into ranges of about this many bytes "
    "(default: 4 MiB, less for small inputs so every worker gets several).",
)
@input_options
@extract_options
def extract(
    inputs,
    output,
    cluster,
    partition_size,
    fmt,
    skip_invalid,
    max_chars,
    shard,
    min_confidence,
    workers,
    batch_size,
    model,
    quiet,
):
    """Extract entities, relations and results: one JSON line per paper.

    \b
    kg extract examples/hf-papers/ -o out/extractions.jsonl
    kg extract corpus/ -o out/part-3.jsonl --shard 3/8 --workers 2
    kg extract corpus/ -o out/parts --cluster local:2
    """
    from kg.io.atomic import atomic_write

    t0 = time.perf_counter()
    if cluster is not None:
        _extract_on_cluster(
            inputs, output, cluster, partition_size, fmt, skip_invalid, max_chars, shard, min_confidence, workers,
            batch_size, model, quiet,
        )  # fmt: skip
        return
    if partition_size is not None:
        raise UsageError("--partition-size is for --cluster")
    stream = _extractions(
        input_files_of(inputs, shard),
        fmt,
        skip_invalid,
        quiet,
        model,
        workers,
        batch_size,
        min_confidence,
        as_lines=True,
        max_chars=max_chars,
    )
    n = ents = rels = 0

    def write(fh):
        nonlocal n, ents, rels
        for line in stream:
            fh.write(line.json)
            fh.write("\n")
            n += 1
            ents += line.entities
            rels += line.relations

    with atomic_write(output) as fh:  # "-" is stdout
        write(fh)
    summary(quiet, "extracted", {"papers": n, "entities": ents, "relations": rels}, t0)


def _extract_on_cluster(
    inputs, output, address, partition_size, fmt, skip_invalid, max_chars, shard, min_confidence, workers,
    batch_size, model, quiet,
):  # fmt: skip
    from kg.cluster.job import JobOptions, connect, prepare, require_distributed, run_job

    if output == "-":
        raise UsageError("--cluster writes part files: give -o OUTDIR")
    if workers is not None:
        raise UsageError("--workers is for one machine; with --cluster the cluster's workers run the pipeline")
    require_distributed()
    check_model(model)
    t0 = time.perf_counter()
    files = input_files_of(inputs, shard)
    options = JobOptions(None if model == "none" else model, min_confidence, max_chars, skip_invalid, batch_size)
    outdir = Path(output)
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"-o {output}: with --cluster, -o names a directory (it is a file)")
    with connect(address) as client:
        job = prepare(client, files, outdir, options, fmt, partition_size)
        if not quiet and len(job.todo) < len(job.parts):
            click.echo(f"kg: {len(job.done)} of {len(job.parts)} parts already done in {outdir}, skipped", err=True)
        with progress(len(job.todo), "extracting", "parts", shown=not quiet) as advance:

            def landed(part) -> None:
                for text in part.warnings:
                    click.echo(f"kg: warning: {text}", err=True)
                advance(1)

            report = run_job(client, job, on_part=landed)
    counts = {what: report.total(what) for what in ("papers", "entities", "relations")}
    summary(quiet, "extracted", {**counts, "parts": report.parts}, t0)


@click.command(cls=KgCommand)
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Graph file to write.")
@click.option(
    "--graph-format",
    "graph_format",
    type=LazyChoice(_graph_formats),
    default=None,
    help="Graph file format (default: from the suffix, else node-link JSON).",
)
@click.option(
    "--update",
    "update",
    type=click.Path(dir_okay=False),
    default=None,
    help="Add to this existing graph, extracting only papers it does not hold yet "
    "(same id and text); -o defaults to the same file.",
)
@input_options
@extract_options
def build(
    inputs,
    output,
    graph_format,
    update,
    fmt,
    skip_invalid,
    max_chars,
    shard,
    min_confidence,
    workers,
    batch_size,
    model,
    quiet,
):
    """Build the knowledge graph from inputs (or from `kg extract` JSONL).

    \b
    kg build examples/hf-papers/ -o out/graph.json
    kg build out/extractions.jsonl -o out/graph.graphml
    kg build --update out/graph.json new_inputs/
    """
    from kg.graph.formats import is_extraction_file, iter_extractions, output_format, write_graph
    from kg.graph.stats import size
    from kg.graph.update import GraphUpdate, locked

    t0 = time.perf_counter()
    if output is None:
        if update is None:
            raise click.UsageError("give -o/--output (or --update GRAPH)")
        output = update
    graph_format = output_format(output, graph_format)  # a contradicting suffix fails before any work
    with locked(update):  # concurrent updates of one graph wait for each other
        todo = GraphUpdate.load(update, on_error=warn_skipped if skip_invalid else None)
        paths = [Path(p) for p in inputs]
        if all(is_extraction_file(p) for p in paths):
            stream = todo.new_extractions(ex for p in paths for ex in iter_extractions(p))
        else:
            stream = _extractions(
                input_files_of(inputs, shard),
                fmt,
                skip_invalid,
                quiet,
                model,
                workers,
                batch_size,
                min_confidence,
                only=todo.new_papers if todo.filters else None,
                max_chars=max_chars,
            )
        g = todo.build(finite_results(stream))
        write_graph(g, output, graph_format)
        todo.save_record(output)  # the extractions behind the graph, for the next --update
    summary(quiet, "built", {**todo.counts(), **size(g)}, t0)


COMMANDS = (extract, build)
