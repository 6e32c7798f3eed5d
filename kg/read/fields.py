"""Typed access to the fields of a JSON record, shared by the JSON readers: every value is
checked before it reaches a :class:`Paper`, and anything off raises ``ValueError`` with a
sentence (the readers turn it into an :class:`InputError` naming the file and line)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from kg.model import Paper, Source

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.I)
_ARXIV_ABS = re.compile(r"arxiv\.org/(?:abs|pdf)/(?P<id>[\w./-]+?)(?:v\d+)?(?:\.pdf)?/?$", re.I)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>.+)$", re.I)
# new-style (2410.13848) and old-style (hep-th/9901001, math.GT/0309136) arXiv ids
_ARXIV_ID = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")


def check_unicode(key: str, value: str) -> str:
    """JSON may escape a lone surrogate ("\\ud800"); such a string is not Unicode text and
    crashes the tokenizer and any UTF-8 writer downstream."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(f"'{key}' has an unpaired surrogate {value[err.start]!r} (not valid Unicode)") from None
    return value


def string(record: dict, key: str) -> str | None:
    """``record[key]`` as a string (a number is written out), None when absent or null."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string, not {type(value).__name__}")
    return check_unicode(key, value)


def text(record: dict, key: str) -> str | None:
    """A string field with its whitespace runs collapsed (API titles and abstracts keep the
    line breaks of the PDF they came from); None when absent, null or blank."""
    value = string(record, key)
    value = " ".join(value.split()) if value else ""
    return value or None


def obj(record: dict, key: str) -> dict:
    """A nested object, ``{}`` when absent or null."""
    value = record.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"'{key}' must be an object, not {type(value).__name__}")
    return value


def array(record: dict, key: str) -> list:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"'{key}' must be a list, not {type(value).__name__}")
    return value


def names(items: list, key: str, where: str) -> list[str]:
    """``item[key]`` of each object in ``items`` that has one (authors, topics…); a plain
    string is taken as the name itself."""
    out = []
    for item in items:
        if isinstance(item, str):
            item = {key: item}
        if not isinstance(item, dict):
            raise ValueError(f"'{where}' must be a list of objects or names, found {type(item).__name__}")
        name = text(item, key)
        if name:
            out.append(name)
    return out


def count(record: dict, key: str) -> int | None:
    """A non-negative integer count (upvotes, comments), None when absent."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"'{key}' must be a count (an integer >= 0), not {value!r:.40}")
    return value


def iso_date(value: str | None) -> str | None:
    """The day of an API timestamp ("2024-10-17T17:58:37.000Z" → "2024-10-17"); a bare year
    stays a year; anything else is dropped (it is no date the graph can sort by)."""
    if not value:
        return None
    value = value.strip()
    if _ISO_DAY.match(value):
        return value[:10]
    if _YEAR.fullmatch(value):
        return value
    return None


def bare_doi(value: str | None) -> str | None:
    """A DOI without its resolver prefix: "https://doi.org/10.1/x" → "10.1/x"."""
    if not value:
        return None
    return _DOI_PREFIX.sub("", value.strip()) or None


def arxiv_id(value: str | None) -> str | None:
    """``value`` when it is an arXiv id (2410.13848, 2410.13848v2, hep-th/9901001), else None."""
    return value if value and _ARXIV_ID.fullmatch(value) else None


def arxiv_id_in(value: str | None) -> str | None:
    """The arXiv id in an arXiv URL or an arXiv DOI (10.48550/arXiv.2410.13848), else None."""
    if not value:
        return None
    m = _ARXIV_ABS.search(value) or _ARXIV_DOI.match(bare_doi(value) or "")
    return arxiv_id(m.group("id")) if m else None


def unique(values: Iterable[str | None]) -> list[str]:
    """The set values, first occurrence first."""
    return list(dict.fromkeys(v for v in values if v))


def make_paper(file: str, line: int, pointer: str | None, **fields: Any) -> Paper:
    """A :class:`Paper` from checked fields; a value the model refuses is a ``ValueError``."""
    try:
        return Paper(**fields, source=Source(file=file, line=line, pointer=pointer))
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"'{where}': {first['msg']}") from None
