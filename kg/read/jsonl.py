"""JSON inputs to papers: the records of any JSON layout (kg.read.jsondoc) mapped by their
format's reader. ``json``/``jsonl`` are plain records with ``id``, ``title``, ``abstract`` and
optionally ``url``, ``authors``, ``date`` and the other :class:`Paper` fields (what ``kg fetch``
writes); ``hf-daily``, ``semantic-scholar`` and ``openalex`` are API responses, recognised by
their keys. Each error names the record's line."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import Paper
from kg.read import fields as f
from kg.read import hf_daily, openalex, semantic_scholar
from kg.read.ids import title_id
from kg.read.jsondoc import Item, line_records, records
from kg.read.text import stream_lines

OnError = Callable[[InputError], None]
Mapper = Callable[[Any, str, int, "str | None"], Paper]
GENERIC = ("jsonl", "json")
# the API formats, in the order their keys are looked for in a file's start
APIS = (openalex, semantic_scholar, hf_daily)
_LISTS = ("links", "categories")
_STRINGS = ("doi", "primary_category", "venue", "journal_ref", "comment", "code_url", "project_page")
_COUNTS = ("upvotes", "num_comments")
_EXTRA = _LISTS + _STRINGS + _COUNTS


def sniff(head: str) -> str | None:
    """The API format whose keys a JSON text's start holds, else None (plain records)."""
    for api in APIS:
        if api.CONTENT.search(head):
            return api.FORMAT
    return None


def _generic(record: Any, file: str, line: int, pointer: str | None) -> Paper:
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, found {type(record).__name__}")
    title = f.string(record, "title")
    rid = f.string(record, "id")
    rid = rid.strip() if rid else None
    # an empty title is a title an API left out; a record without its 'title' key lost it
    if title is None or not (title.strip() or rid):
        raise ValueError("record has no 'title'")
    abstract = f.string(record, "abstract") or f.string(record, "summary") or ""
    authors = record.get("authors") or []
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(",") if a.strip()]
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise ValueError("'authors' must be a list of strings")
    for a in authors:
        f.check_unicode("authors", a)
    extra: dict[str, Any] = {}
    for key in (k for k in _EXTRA if k in record):  # most records have none: only those given
        if key in _COUNTS:
            extra[key] = f.count(record, key)
        elif key in _LISTS:
            values = f.array(record, key)
            if not all(isinstance(v, str) for v in values):
                raise ValueError(f"'{key}' must be a list of strings")
            extra[key] = [f.check_unicode(key, v) for v in values]
        else:
            extra[key] = f.string(record, key)
    return f.make_paper(
        file,
        line,
        pointer,
        id=rid or title_id(title),
        title=title.strip(),
        abstract=abstract.strip(),
        url=f.string(record, "url"),
        authors=authors,
        date=f.string(record, "date"),
        arxiv_id=f.string(record, "arxiv_id"),
        **extra,
    )


MAPPERS: dict[str, Mapper] = {
    "jsonl": _generic,
    "json": _generic,
    **{api.FORMAT: api.to_paper for api in APIS},
}


def record_format(record: Any) -> str:
    """The API whose record this is, by its keys, else plain records (``json``)."""
    return next((api.FORMAT for api in APIS if api.looks_like(record)), "json")


def to_paper(record: Any, file: str, line: int, pointer: str | None = None, fmt: str | None = None) -> Paper:
    """One record as a :class:`Paper`, or an :class:`InputError` naming its file and line;
    ``fmt`` None: the format its keys say (``kg.api`` hands dicts of any API)."""
    fmt = fmt or record_format(record)
    try:
        paper = MAPPERS[fmt](record, file, line, pointer)
    except ValueError as err:
        where = f" (at {pointer})" if pointer and fmt not in GENERIC else ""
        raise InputError(file, line, str(err).splitlines()[0] + where) from None
    if not (paper.title or paper.abstract):
        raise InputError(file, line, f"record {paper.id!r} has neither a title nor an abstract")
    return paper


def duplicate_id(file: str, line: int, paper_id: str, first: int) -> InputError:
    """The error for a record that repeats the id of the record on line ``first`` of its file."""
    return InputError(file, line, f"duplicate paper id {paper_id!r} (first on line {first})")


def papers(
    items: Iterable[Item | InputError],
    file: str,
    on_error: OnError | None = None,
    fmt: str = "json",
    on_warning: Callable[[str], None] | None = None,
    seen: dict[str, int] | None = None,
) -> Iterator[Paper]:
    """The papers of ``items``; a record that repeats an earlier record's id is an error. A null
    record of an API response (Semantic Scholar's batch answers null for an id it does not
    know) is skipped, and counted in one warning. ``seen`` holds the ids already read from the
    file with their first lines (a byte range of a file starts with those of the ranges before
    it) and gets this read's."""
    seen = {} if seen is None else seen
    nulls = 0
    for item in items:
        try:
            if isinstance(item, InputError):
                raise item
            line, pointer, record = item
            if record is None and fmt not in GENERIC:
                nulls += 1
                continue
            paper = to_paper(record, file, line, pointer, fmt)
            has_id = fmt not in GENERIC or (isinstance(record, dict) and record.get("id"))
            if paper.id in seen and has_id:
                raise duplicate_id(file, line, paper.id, seen[paper.id])
            seen.setdefault(paper.id, line)
        except InputError as err:
            if on_error is None:
                raise
            on_error(err)
            continue
        yield paper
    if nulls and on_warning is not None:
        on_warning(f"{file}: {nulls} null record{'s' if nulls > 1 else ''} (not found by the API): skipped")


def parse(
    text: str,
    file: str,
    on_error: OnError | None = None,
    fmt: str = "json",
    on_warning: Callable[[str], None] | None = None,
) -> Iterator[Paper]:
    return papers(records(text, file), file, on_error, fmt, on_warning)


def reader(fmt: str) -> Callable[..., Iterator[Paper]]:
    """``parse`` for one format, with the signature every reader has."""
    return partial(parse, fmt=fmt)


def parse_stream(path: Path, on_error: OnError | None = None, fmt: str = "json") -> Iterator[Paper]:
    """JSON Lines read line by line: a 100,000-record file is never held in memory."""
    return papers(line_records(stream_lines(path), str(path)), str(path), on_error, fmt)


__all__ = ["MAPPERS", "duplicate_id", "parse", "parse_stream", "papers", "reader", "record_format", "sniff", "to_paper"]
