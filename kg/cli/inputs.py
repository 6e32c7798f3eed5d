"""What ``kg extract``, ``kg build`` and ``kg update`` share: the input and extraction options,
reading the inputs (with --shard, --skip-invalid and --max-chars), checking --model up front, and
dropping results no strict JSON can hold."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import click

from kg.cli.common import Confidence, LazyChoice
from kg.errors import InputError, KgError, UsageError


def _reader_formats() -> tuple[str, ...]:
    from kg.read import FORMATS

    return FORMATS


def _shard(value: str | None):
    if value is None:
        return None
    try:
        i, n = (int(x) for x in value.split("/"))
        if not 1 <= i <= n:
            raise ValueError
    except ValueError:
        raise click.BadParameter("use I/N with 1 <= I <= N, e.g. 2/8") from None
    return i, n


def input_options(f):
    f = click.option(
        "--shard",
        callback=lambda ctx, p, v: _shard(v),
        default=None,
        metavar="I/N",
        help="Process only input files I of N (1-based, by sorted file order) for fan-out.",
    )(f)
    f = click.option(
        "--format",
        "fmt",
        type=LazyChoice(_reader_formats),
        default=None,
        help="Input format (default: detected per file).",
    )(f)
    f = click.option(
        "--skip-invalid", is_flag=True, help="Warn about each bad record and go on, instead of stopping at the first."
    )(f)
    f = click.option(
        "--max-chars",
        type=click.IntRange(min=0),
        default=None,
        metavar="N",
        help="Refuse (with --skip-invalid: skip) an input record whose title and abstract hold more than N "
        "characters together; extraction needs ~2 GB of memory per million characters "
        "(default: 200,000; 0: no limit).",
    )(f)
    return f


def extract_options(f):
    f = click.option(
        "--min-confidence", type=Confidence(), default=None, help="Drop entities below this confidence (default 0.5)."
    )(f)
    f = click.option(
        "--workers",
        type=click.IntRange(1, 64),
        default=None,
        help="Processes for extraction (default: the machine's cores, at most 4; inputs of one batch run in-process).",
    )(f)
    f = click.option(
        "--batch-size",
        type=click.IntRange(1, 10_000),
        default=64,
        show_default=True,
        help="Papers sent to a worker at a time.",
    )(f)
    f = click.option(
        "--model",
        default="default",
        show_default=True,
        help='NER: "default" (the shipped transformer), "fast" (the shipped CNN, ~5x faster), '
        'a path to a trained spaCy pipeline, or "none" (rules only).',
    )(f)
    f = click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")(f)
    return f


def input_files_of(inputs, shard):
    from kg.read import input_files

    files = input_files(inputs)
    if shard:
        i, n = shard
        files = files[i - 1 :: n]
    return files


def warn_skipped(err: InputError) -> None:
    click.echo(f"kg: warning: {err} (skipped)", err=True)


def read_inputs(files, fmt, skip_invalid, max_chars=None):
    from kg.read import DEFAULT_MAX_CHARS, read_papers, within_length

    on_error = warn_skipped if skip_invalid else None
    limit = DEFAULT_MAX_CHARS if max_chars is None else max_chars
    return within_length(read_papers(files, fmt, on_error=on_error), limit, on_error=on_error)


def check_model(model: str) -> None:
    """A --model that names no pipeline fails here, in one line, not in every worker."""
    from kg.extract.packaged import resolve_model

    try:
        resolve_model(None if model == "none" else model)
    except KgError as err:
        raise UsageError(f"--model {model}: {err}") from None


def finite_results(stream: Iterable) -> Iterator:
    """Extractions without results whose value is not a finite number (a 309-digit number parses
    to inf): they are not results, and no strict JSON can hold them."""
    for ex in stream:
        if any(not _finite(r.value) or (r.range_high is not None and not _finite(r.range_high)) for r in ex.results):
            ex = ex.model_copy(
                update={
                    "results": [
                        r for r in ex.results if _finite(r.value) and (r.range_high is None or _finite(r.range_high))
                    ]
                }
            )
        yield ex


def _finite(x: float) -> bool:
    return math.isfinite(x)
