"""The records of a JSON input in any layout, each with the line it starts on and, inside a
document, its JSON pointer:

- JSON Lines: one value per line (a line holding an API page gives the page's records);
- a JSON array, compact or pretty-printed, walked element by element;
- a pretty-printed object, or several one after another (``jq`` output);
- an API page, ``{"data": [...]}`` (Semantic Scholar) or ``{"results": [...]}`` (OpenAlex):
  its records, at ``/data/0``, ``/data/1``…

A malformed record is reported with its line and the walk goes on after it where it can (the
next array element, the next line, the next object starting a line), so ``--skip-invalid``
drops only that record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from kg.errors import InputError
from kg.read.text import LineCounter

__all__ = ["Item", "PAGE_KEYS", "is_json_lines", "line_records", "page_key", "records"]

Item = tuple[int, str | None, Any]  # (line, JSON pointer or None, value)
# the list of records in an API's page of results: Semantic Scholar's search, bulk, citation and
# reference pages ({"total", "offset", "next" or "token", "data"}) and recommendations
# ({"recommendedPapers"}), OpenAlex's lists ({"meta", "results"})
PAGE_KEYS = ("data", "results", "recommendedPapers")

_DECODER = json.JSONDecoder()
_WS = " \t\r\n"
_VALUE_AT_LINE_START = re.compile(r"^[\[{]", re.M)


def page_key(value: Any) -> str | None:
    """The key holding the records when ``value`` is an API page, else None. A record has a
    title; a page does not."""
    if isinstance(value, dict) and "title" not in value:
        for key in PAGE_KEYS:
            if isinstance(value.get(key), list):
                return key
    return None


def is_json_lines(text: str) -> bool:
    """Whether ``text`` (a file's start is enough) is JSON Lines: its first value ends on its
    first line, or its first line is broken (a truncated record). A value that goes on over
    more lines, or an array, is a document."""
    text = text.lstrip(_WS)
    if text.startswith("["):
        return False
    first_line_end = text.find("\n")
    if first_line_end < 0:
        return True
    try:
        _, end = _DECODER.raw_decode(text, 0)
    except json.JSONDecodeError as err:
        return err.pos <= first_line_end
    except (ValueError, RecursionError):
        return True
    return end <= first_line_end


def records(text: str, file: str) -> Iterator[Item | InputError]:
    """The records of a whole JSON text, in whichever layout it has."""
    if is_json_lines(text):
        # Records end at "\n" only: str.splitlines() would also split inside a JSON string at
        # U+2028, U+0085, form feed… (all legal there) and shift every later line number.
        return line_records(enumerate(text.split("\n"), start=1), file)
    return _document_records(text, file)


def line_records(lines: Iterable[tuple[int, str]], file: str) -> Iterator[Item | InputError]:
    for number, line in lines:
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as err:
            truncated = err.msg.startswith(("Expecting", "Unterminated"))
            yield InputError(
                file,
                number,
                f"invalid JSON ({_msg(err)} at column {err.colno})"
                + (": the line looks truncated" if truncated else ""),
            )
            continue
        except (ValueError, RecursionError) as err:
            yield InputError(file, number, _unparseable(err))
            continue
        key = page_key(value)
        if key is None:
            yield number, None, value
        else:
            for i, record in enumerate(value[key]):
                yield number, f"/{key}/{i}", record


def _msg(err: json.JSONDecodeError) -> str:
    return err.msg.removesuffix(" at")  # "Unterminated string starting at" + " at column N"


def _unparseable(err: ValueError | RecursionError) -> str:
    """json raises these, not JSONDecodeError, for huge integers and very deep nesting."""
    if isinstance(err, RecursionError):
        return "invalid JSON (nested too deeply)"
    return f"invalid JSON ({str(err).split(';')[0]})"


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


def _resume_at(text: str, start: int, pos: int) -> int:
    """Where to go on after a malformed top-level value that began at ``start`` and broke at
    ``pos``: the next line that starts a value, on the line that broke or later."""
    line_start = text.rfind("\n", 0, pos) + 1
    if line_start <= start:
        line_start = text.find("\n", start) + 1 or len(text)
    m = _VALUE_AT_LINE_START.search(text, line_start)
    return m.start() if m else len(text)


def _document_records(text: str, file: str) -> Iterator[Item | InputError]:
    line_of = LineCounter(text)
    n = len(text)
    i = _skip_ws(text, 0)
    if i < n and text[i] == "[":
        yield from _array_records(text, i, file, line_of, "", top=True)
        return
    while i < n:
        start = i
        line = line_of(start)
        try:
            value, i = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError as err:
            i = _resume_at(text, start, err.pos)
            # cut short: the next record starts where this one broke, or nothing follows
            cut = err.msg.startswith(("Expecting", "Unterminated")) and (
                i == text.rfind("\n", 0, err.pos) + 1
                or not text[err.pos :].strip()
                or (err.msg.startswith("Unterminated") and i == n)
            )
            yield InputError(
                file,
                line_of(err.pos),
                f"invalid JSON ({_msg(err)} at column {err.colno})" + (": the record looks truncated" if cut else ""),
            )
            i = _skip_ws(text, i)
            continue
        except (ValueError, RecursionError) as err:
            yield InputError(file, line, _unparseable(err))
            i = _skip_ws(text, _resume_at(text, start, start))
            continue
        key = page_key(value)
        if key is None:
            yield line, None, value
        else:
            yield from _array_records(text, _member_start(text, start, key), file, line_of, f"/{key}")
        i = _skip_ws(text, i)


def _member_start(text: str, start: int, wanted: str) -> int:
    """The offset of the value of key ``wanted`` in the (well-formed) object at ``start``: its
    last occurrence, the one ``json`` keeps when a key repeats."""
    found = -1
    i = _skip_ws(text, start + 1)
    while text[i] != "}":
        key, i = _DECODER.raw_decode(text, i)
        i = _skip_ws(text, _skip_ws(text, i) + 1)  # past ':'
        if key == wanted:
            found = i
        _, i = _DECODER.raw_decode(text, i)
        i = _skip_ws(text, i)
        if text[i] == ",":
            i = _skip_ws(text, i + 1)
    return found


def _array_records(
    text: str, start: int, file: str, line_of: LineCounter, pointer: str, top: bool = False
) -> Iterator[Item | InputError]:
    """Walk the JSON array at ``start`` element by element so every record keeps its line
    number; a malformed element, a missing or an extra comma is reported and the walk goes on
    after it. ``top``: the array is the whole document (text after it is an error)."""
    n = len(text)
    i = _skip_ws(text, start + 1)
    index = 0
    while True:
        if i >= n:
            yield InputError(file, line_of(n), "JSON array is not closed (missing ']')")
            return
        if text[i] == "]":
            if top and text[i + 1 :].strip():
                yield InputError(file, line_of(i + 1), "unexpected text after the JSON array")
            return
        if text[i] == ",":  # a value was expected
            yield InputError(file, line_of(i), "invalid JSON (extra ',' in the array)")
            i = _skip_ws(text, i + 1)
            continue
        element = i
        try:
            value, i = _DECODER.raw_decode(text, element)
        except json.JSONDecodeError as err:
            line = line_of(element) + text.count("\n", element, err.pos)
            yield InputError(file, line, f"invalid JSON ({_msg(err)} at column {err.colno})")
            i = _skip_value(text, element)
        except (ValueError, RecursionError) as err:
            yield InputError(file, line_of(element), _unparseable(err))
            i = _skip_value(text, element)
        else:
            yield line_of(element), f"{pointer}/{index}", value
        if i == element:  # a stray '}' where an element should start: step over it, or loop forever
            i += 1
        index += 1
        i = _skip_ws(text, i)
        if i < n and text[i] == ",":
            comma = i
            i = _skip_ws(text, i + 1)
            if i < n and text[i] == "]":
                yield InputError(file, line_of(comma), "invalid JSON (extra ',' before ']')")
        elif i < n and text[i] != "]":
            yield InputError(file, line_of(i), "invalid JSON (missing ',' between array elements)")
