"""An arXiv API Atom feed saved to a file (export.arxiv.org/api/query?…).

Parsed with defusedxml, so entity-expansion and external-entity tricks are refused. arXiv
answers a bad query with HTTP 400 and a feed of one entry titled "Error" whose id is
http://arxiv.org/api/errors#…: that is an error naming its summary, not a paper. A feed with no
entries (``opensearch:totalResults`` 0) gives a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import defusedxml.ElementTree as ET
from defusedxml import DefusedXmlException

from kg.errors import InputError
from kg.model import Paper, Source
from kg.read.ids import title_id
from kg.read.text import LineCounter

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_ENTRY_TAG = re.compile(r"<(?:[\w.-]+:)?entry[\s>]")
_ARXIV_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?P<v>v\d+)?$")
_ERROR_ID = re.compile(r"^https?://(?:export\.)?arxiv\.org/api/errors")
# what export.arxiv.org sends, as plain text, when a client asks too often
RATE_LIMITED = "Rate exceeded."


def _clean(s: str | None) -> str:
    return " ".join((s or "").split())  # = re.sub(r"\s+", " ", s).strip(), 5x faster


def _check_feed(root: Any, file: str, on_warning: Callable[[str], None] | None) -> None:
    """An error feed raises; an empty one warns."""
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        if _ERROR_ID.match(_clean(entry.findtext(f"{ATOM}id"))):
            summary = _clean(entry.findtext(f"{ATOM}summary")) or _clean(entry.findtext(f"{ATOM}title"))
            raise InputError(file, None, f"arXiv API error: {summary}")
    total = _clean(root.findtext(f"{OPENSEARCH}totalResults"))
    if on_warning is not None and (not entries or total == "0"):
        query = _clean(root.findtext(f"{ATOM}title")).partition("Query: ")[2]
        on_warning(
            f"{file}: the arXiv feed has no entries"
            + (f" (opensearch:totalResults {total})" if total else "")
            + (f" for the query {query[:120]!r}" if query else "")
        )


def _term(element: Any) -> str | None:
    return element.get("term") if element is not None else None


def parse(
    text: str,
    file: str,
    on_error: Callable[[InputError], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> Iterator[Paper]:
    if text.strip() == RATE_LIMITED:
        raise InputError(file, None, f"arXiv API error: {RATE_LIMITED} (too many requests: wait, then fetch again)")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        line = err.position[0] if getattr(err, "position", None) else None
        raise InputError(file, line, f"invalid XML: {str(err).split(':')[0]}") from None
    except DefusedXmlException as err:
        raise InputError(file, None, f"refused unsafe XML ({type(err).__name__})") from None
    if root.tag != f"{ATOM}feed":
        raise InputError(file, 1, f"not an Atom feed (root element {root.tag!r})")
    _check_feed(root, file, on_warning)
    line_of = LineCounter(text)
    entry_lines = [line_of(m.start()) for m in _ENTRY_TAG.finditer(text)]
    for n, entry in enumerate(root.iter(f"{ATOM}entry")):
        line = entry_lines[n] if n < len(entry_lines) else 1
        try:
            title = _clean(entry.findtext(f"{ATOM}title"))
            if not title:
                raise InputError(file, line, "entry has no <title>")
            raw_id = _clean(entry.findtext(f"{ATOM}id"))
            m = _ARXIV_ID.search(raw_id)
            arxiv_id = m.group("id") + (m.group("v") or "") if m else None
            links = [link.get("href") for link in entry.findall(f"{ATOM}link") if link.get("href")]
            url = next(
                (
                    link.get("href")
                    for link in entry.findall(f"{ATOM}link")
                    if link.get("rel", "alternate") == "alternate" and link.get("href")
                ),
                raw_id or None,
            )
            yield Paper(
                id=m.group("id") if m else (raw_id or title_id(title)),
                title=title,
                abstract=_clean(entry.findtext(f"{ATOM}summary")),
                url=url,
                authors=[_clean(a.findtext(f"{ATOM}name")) for a in entry.findall(f"{ATOM}author")],
                date=_clean(entry.findtext(f"{ATOM}published"))[:10] or None,
                arxiv_id=arxiv_id,
                links=links,
                doi=_clean(entry.findtext(f"{ARXIV}doi")) or None,
                categories=list(dict.fromkeys(t for c in entry.findall(f"{ATOM}category") if (t := _term(c)))),
                primary_category=_term(entry.find(f"{ARXIV}primary_category")),
                journal_ref=_clean(entry.findtext(f"{ARXIV}journal_ref")) or None,
                comment=_clean(entry.findtext(f"{ARXIV}comment")) or None,
                source=Source(file=file, line=line),
            )
        except InputError as err:
            if on_error is None:
                raise
            on_error(err)
