"""JSON Lines, or a JSON array, of records with ``id``, ``title``, ``abstract`` and optionally
``url``, ``authors``, ``date``. Each error names the record's line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import Paper, Source
from kg.read.ids import title_id
from kg.read.text import LineCounter, stream_lines

_DECODER = json.JSONDecoder()


def _records(text: str, file: str) -> Iterator[tuple[int, Any] | InputError]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        yield from _array_records(text, file)
        return
    # Records end at "\n" only: str.splitlines() would also split inside a JSON string at
    # U+2028, U+0085, form feed… (all legal there) and shift every later line number.
    yield from _line_records(enumerate(text.split("\n"), start=1), file)


def _line_records(lines: Iterable[tuple[int, str]], file: str) -> Iterator[tuple[int, Any] | InputError]:
    for number, line in lines:
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as err:
            truncated = err.msg.startswith(("Expecting", "Unterminated"))
            yield InputError(
                file,
                number,
                f"invalid JSON ({_msg(err)} at column {err.colno})"
                + (": the line looks truncated" if truncated else ""),
            )
        except (ValueError, RecursionError) as err:
            yield InputError(file, number, _unparseable(err))


def _msg(err: json.JSONDecodeError) -> str:
    return err.msg.removesuffix(" at")  # "Unterminated string starting at" + " at column N"


def _unparseable(err: ValueError | RecursionError) -> str:
    """json raises these, not JSONDecodeError, for huge integers and very deep nesting."""
    if isinstance(err, RecursionError):
        return "invalid JSON (nested too deeply)"
    return f"invalid JSON ({str(err).split(';')[0]})"


_WS = " \t\r\n"


def _skip_ws(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in _WS:
        i += 1
    return i


def _skip_value(text: str, i: int) -> int:
    """The end of a malformed element: the next ',' or ']' outside strings and nested brackets,
    so ``--skip-invalid`` drops only the bad element."""
    depth, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c in "[{":
            depth += 1
        elif c in "]}":
            if depth == 0:
                return i
            depth -= 1
        elif c == "," and depth == 0:
            return i
        i += 1
    return n


def _array_records(text: str, file: str) -> Iterator[tuple[int, Any] | InputError]:
    """Walk a JSON array element by element so every record keeps its line number; a malformed
    element, a missing or an extra comma is reported and the walk goes on after it."""
    line_of = LineCounter(text)
    n = len(text)
    i = _skip_ws(text, text.index("[") + 1)
    while True:
        if i >= n:
            yield InputError(file, line_of(n), "JSON array is not closed (missing ']')")
            return
        if text[i] == "]":
            if text[i + 1 :].strip():
                yield InputError(file, line_of(i + 1), "unexpected text after the JSON array")
            return
        if text[i] == ",":  # a value was expected
            yield InputError(file, line_of(i), "invalid JSON (extra ',' in the array)")
            i = _skip_ws(text, i + 1)
            continue
        start = i
        try:
            value, i = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError as err:
            line = line_of(start) + text.count("\n", start, err.pos)
            yield InputError(file, line, f"invalid JSON ({_msg(err)} at column {err.colno})")
            i = _skip_value(text, start)
        except (ValueError, RecursionError) as err:
            yield InputError(file, line_of(start), _unparseable(err))
            i = _skip_value(text, start)
        else:
            yield line_of(start), value
        i = _skip_ws(text, i)
        if i < n and text[i] == ",":
            comma = i
            i = _skip_ws(text, i + 1)
            if i < n and text[i] == "]":
                yield InputError(file, line_of(comma), "invalid JSON (extra ',' before ']')")
        elif i < n and text[i] != "]":
            yield InputError(file, line_of(i), "invalid JSON (missing ',' between array elements)")


def _str(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string, not {type(value).__name__}")
    _check_unicode(key, value)
    return value


def _check_unicode(key: str, value: str) -> None:
    """JSON may escape a lone surrogate ("\\ud800"); such a string is not Unicode text and
    crashes the tokenizer and any UTF-8 writer downstream."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(f"'{key}' has an unpaired surrogate {value[err.start]!r} (not valid Unicode)") from None


def to_paper(record: Any, file: str, line: int) -> Paper:
    if not isinstance(record, dict):
        raise InputError(file, line, f"expected a JSON object, found {type(record).__name__}")
    try:
        title = _str(record, "title")
        if title is None or not title.strip():
            raise ValueError("record has no 'title'")
        abstract = _str(record, "abstract") or _str(record, "summary") or ""
        authors = record.get("authors") or []
        if isinstance(authors, str):
            authors = [a.strip() for a in authors.split(",") if a.strip()]
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            raise ValueError("'authors' must be a list of strings")
        for a in authors:
            _check_unicode("authors", a)
        rid = _str(record, "id")
        return Paper(
            id=rid.strip() if rid and rid.strip() else title_id(title),
            title=title.strip(),
            abstract=abstract.strip(),
            url=_str(record, "url"),
            authors=authors,
            date=_str(record, "date"),
            arxiv_id=_str(record, "arxiv_id"),
            source=Source(file=file, line=line),
        )
    except ValueError as err:
        raise InputError(file, line, str(err).splitlines()[0]) from None


def parse(text: str, file: str, on_error: Callable[[InputError], None] | None = None) -> Iterator[Paper]:
    return _papers(_records(text, file), file, on_error)


def parse_stream(path: Path, on_error: Callable[[InputError], None] | None = None) -> Iterator[Paper]:
    """JSON Lines read line by line: a 100,000-record file is never held in memory."""
    return _papers(_line_records(stream_lines(path), str(path)), str(path), on_error)


def _papers(
    items: Iterable[tuple[int, Any] | InputError], file: str, on_error: Callable[[InputError], None] | None
) -> Iterator[Paper]:
    seen: dict[str, int] = {}
    for item in items:
        try:
            if isinstance(item, InputError):
                raise item
            line, record = item
            paper = to_paper(record, file, line)
            if paper.id in seen and isinstance(record, dict) and record.get("id"):
                raise InputError(file, line, f"duplicate paper id {paper.id!r} (first on line {seen[paper.id]})")
            seen.setdefault(paper.id, line)
        except InputError as err:
            if on_error is None:
                raise
            on_error(err)
            continue
        yield paper
