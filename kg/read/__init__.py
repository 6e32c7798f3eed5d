"""Readers: one module per input format, each yielding :class:`kg.model.Paper` records that
carry their source file and line. Readers know nothing about spaCy or graphs.

``read_papers(paths)`` accepts files and directories, detects each file's format (or takes
``fmt``), and streams papers; bad input raises :class:`kg.errors.InputError` naming the file and
line, or, with an ``on_error`` callback (``--skip-invalid``), reports it and goes on. What is odd
but read (records without an abstract, a feed without entries) goes to ``on_warning``, one line
per file; by default each such line is printed once on stderr, as Python prints its warnings.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Paper
from kg.read import arxiv_atom, hf_listing, jsonl
from kg.read.jsondoc import is_json_lines
from kg.read.text import display_name, is_stream, read_head, read_text, stream_lines

READERS = {
    "hf-listing": hf_listing.parse,
    "jsonl": jsonl.reader("jsonl"),
    "json": jsonl.reader("json"),
    "hf-daily": jsonl.reader("hf-daily"),
    "semantic-scholar": jsonl.reader("semantic-scholar"),
    "openalex": jsonl.reader("openalex"),
    "arxiv-atom": arxiv_atom.parse,
}
FORMATS = tuple(READERS)
JSON_FORMATS = frozenset(jsonl.MAPPERS)
SUFFIXES = {
    ".txt": "hf-listing",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".xml": "arxiv-atom",
    ".atom": "arxiv-atom",
}
COMPRESSED = ".gz"  # read by its magic bytes; the suffix before it names the format

OnError = Callable[[InputError], None]
OnWarning = Callable[[str], None]


def print_warning(message: str) -> None:
    """The default ``on_warning``: ``kg: warning: …`` on stderr."""
    print(f"kg: warning: {message}", file=sys.stderr)


# Extraction holds a record's text at once, and its memory grows with it: peak RSS for one record
# of 1 million characters, measured with --workers 1, is 2.0 GB with --model fast (0.15 GB for a
# short one), 1.2 GB with the default model (1.0 GB at 100,000) and 0.3 GB with --model none.
# kg extract and kg build refuse a longer record (--max-chars N; 0 lifts the limit). The samples'
# abstracts are ~1,300 characters: the limit is ~150 times a long abstract.
DEFAULT_MAX_CHARS = 200_000

_XML_START = re.compile(r"<(?:\?xml|!DOCTYPE|!--|(?:[\w.-]+:)?feed[\s>/])")
_JSON_ARRAY_START = re.compile(r"\[\s*(?:[{\]]|$)")
_JSON_OBJECT_START = re.compile(r'\{\s*(?:"|}|$)')


def _suffix(path: Path) -> str:
    """The suffix that names the format: papers.jsonl.gz → .jsonl."""
    suffix = path.suffix.lower()
    return Path(path.stem).suffix.lower() if suffix == COMPRESSED else suffix


def detect_format(path: Path, text: str) -> str:
    """The format of one file: by content where it is unambiguous, else by suffix. JSON is an
    API's response when it holds that API's keys (``paperId``, ``abstract_inverted_index``,
    ``publishedAt``…), else plain records."""
    head = text.lstrip()[:512]
    # Only unmistakable openings count: a listing whose first title is "<b>…" or "[Re] …" is text.
    if _XML_START.match(head):
        return "arxiv-atom"
    if _JSON_ARRAY_START.match(head) or _JSON_OBJECT_START.match(head):
        return jsonl.sniff(text) or ("jsonl" if is_json_lines(text) else "json")
    fmt = SUFFIXES.get(_suffix(path))
    if fmt is None:
        raise InputError(
            display_name(path),
            None,
            f"unsupported file type {path.suffix or '(none)'!r}; use --format with one of {', '.join(FORMATS)}",
        )
    return fmt


def input_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories (sorted, supported suffixes only, hidden files skipped)."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and _suffix(f) in SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            if not found:
                raise InputError(
                    str(p), None, f"directory has no supported input files ({', '.join(sorted(SUFFIXES))})"
                )
            files.extend(found)
        elif p.is_file() or is_stream(p):
            files.append(p)
        else:
            raise InputError(str(p), None, "no such file or directory")
    return files


def _parse(path: Path, fmt: str, head: str, on_error: OnError | None, on_warning: OnWarning) -> Iterator[Paper]:
    name = display_name(path)
    if fmt in JSON_FORMATS:
        if not is_stream(path) and is_json_lines(head):  # a large JSONL is never held in memory
            return jsonl.papers(jsonl.line_records(stream_lines(path), name), name, on_error, fmt, on_warning)
        return jsonl.parse(read_text(path), name, on_error, fmt, on_warning)
    if fmt == "arxiv-atom":
        return arxiv_atom.parse(read_text(path), name, on_error, on_warning)
    return READERS[fmt](read_text(path), name, on_error)


def read_file(
    path: Path, fmt: str | None = None, on_error: OnError | None = None, on_warning: OnWarning | None = print_warning
) -> Iterator[Paper]:
    """The papers of one file. After its last record, ``on_warning`` (None: nobody) hears of
    the records kept without an abstract, or of a file that held no records at all."""
    name = display_name(path)
    if fmt is not None and fmt not in READERS:
        raise InputError(name, None, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    warn = on_warning or _ignore
    head = read_head(path)
    fmt = fmt or detect_format(path, head)
    said = 0  # errors and warnings the reader gave: a file that gave some is not silently empty

    def error(err: InputError) -> None:
        nonlocal said
        said += 1
        if on_error is not None:
            on_error(err)

    def warning(message: str) -> None:
        nonlocal said
        said += 1
        warn(message)

    n = bare = 0
    for paper in _parse(path, fmt, head, error if on_error else None, warning):
        n += 1
        bare += not paper.abstract
        yield paper
    if bare:
        warn(
            f"{name}: {bare} record{'s have' if bare > 1 else ' has'} no abstract: "
            f"kept with {'their' if bare > 1 else 'its'} title"
        )
    if not n and not said:
        warn(f"{name}: no paper records in this {fmt} input")


def _ignore(message: str) -> None:
    pass


def read_papers(
    paths: Iterable[str | Path],
    fmt: str | None = None,
    on_error: OnError | None = None,
    on_warning: OnWarning | None = print_warning,
) -> Iterator[Paper]:
    """Stream papers from files and directories in a stable order."""
    for path in input_files(paths):
        try:
            yield from read_file(path, fmt, on_error, on_warning)
        except InputError as err:
            if on_error is None:
                raise
            on_error(err)


def within_length(
    papers: Iterable[Paper], max_chars: int | None = DEFAULT_MAX_CHARS, on_error: OnError | None = None
) -> Iterator[Paper]:
    """The papers whose title and abstract hold at most ``max_chars`` characters together (None or
    0: no limit). A longer one raises :class:`InputError` naming its file and line, or, with
    ``on_error``, is reported and skipped."""
    for paper in papers:
        n = len(paper.title) + len(paper.abstract)
        if max_chars and n > max_chars:
            src = paper.source
            err = InputError(
                src.file if src else "<input>",
                src.line if src else None,
                f"title and abstract are {n:,} characters, over the limit of {max_chars:,} "
                "(extraction needs ~2 GB of memory per million characters; --max-chars N "
                "raises the limit, 0 lifts it)",
            )
            if on_error is None:
                raise err
            on_error(err)
            continue
        yield paper
