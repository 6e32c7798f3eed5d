"""The APIs ``kg fetch`` knows: how each is asked for a page, and what a page says about the next.

A source is a URL and a sequence of query parameters: the first request's, then each next one
computed from the page before (arXiv's ``start``, Semantic Scholar's ``token``, OpenAlex's
``cursor``, Hugging Face's next day). That sequence is what a fetch's state file keeps, so a
killed fetch asks for exactly the page it had not saved yet.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

from kg.errors import UsageError
from kg.fetch.http import FetchError, Unreadable

__all__ = ["SOURCES", "Page", "Source", "Spec", "make_source"]

Params = dict[str, str | int]


@dataclass(frozen=True)
class Spec:
    """What to fetch, as the options gave it (dates resolved): a resumed fetch must ask the same."""

    query: str | None = None
    categories: tuple[str, ...] = ()
    filter: str | None = None
    date: str | None = None
    since: str | None = None
    until: str | None = None
    max: int = 1000  # 0: no limit
    page_size: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass
class Page:
    records: int
    next: Params | None  # the next request's parameters; None: this was the last page
    total: int | None = None  # how many records the API says match, when it says


@dataclass
class Source:
    """One API. Subclasses set the class attributes and implement ``first`` and ``read``."""

    name: ClassVar[str]
    fmt: ClassVar[str]  # the kg.read format of its raw pages
    suffix: ClassVar[str]  # of its raw pages
    api_url: ClassVar[str]
    min_delay: ClassVar[float]  # seconds between requests unless --delay says otherwise
    spec: Spec
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.url = self.url or self.api_url

    def first(self) -> Params:
        raise NotImplementedError

    def read(self, params: Params, body: bytes, fetched: int) -> Page:
        """What a page holds; raises Unreadable for a body that is not a whole page. ``fetched``:
        records saved before this page."""
        raise NotImplementedError

    def _left(self, fetched: int) -> int | None:
        return None if not self.spec.max else max(self.spec.max - fetched, 0)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise Unreadable("the body is not whole JSON (cut short?)") from None


class Arxiv(Source):
    """export.arxiv.org/api/query: ``search_query``, paged with ``start`` and ``max_results``,
    newest submissions first. arXiv asks for 3 s between requests."""

    name, fmt, suffix = "arxiv", "arxiv-atom", ".xml"
    api_url = "https://export.arxiv.org/api/query"
    min_delay = 3.0
    _TOTAL = re.compile(rb"<(?:\w+:)?totalResults[^>]*>\s*(\d+)\s*<")
    _ENTRY = re.compile(rb"<(?:\w+:)?entry[\s>]")

    def search_query(self) -> str:
        s = self.spec
        parts = [f"({s.query})"] if s.query else []
        if s.categories:
            parts.append("(" + " OR ".join(f"cat:{c}" for c in s.categories) + ")")
        if s.since or s.until or s.date:
            lo = (s.date or s.since or "1991-01-01").replace("-", "")
            hi = (s.date or s.until or _today()).replace("-", "")
            parts.append(f"submittedDate:[{lo}0000 TO {hi}2359]")
        if not parts:
            raise UsageError("kg fetch arxiv needs --query, --category or a date (--date, --since)")
        return " AND ".join(parts)

    def _params(self, start: int) -> Params:
        size = self.spec.page_size or 100
        left = self._left(start)
        return {
            "search_query": self.search_query(),
            "start": start,
            "max_results": size if left is None else min(size, left),
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        }

    def first(self) -> Params:
        return self._params(0)

    def read(self, params: Params, body: bytes, fetched: int) -> Page:
        import defusedxml.ElementTree as ET

        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            raise Unreadable("the feed is not whole XML (cut short?)") from None
        if not root.tag.endswith("feed"):
            raise Unreadable(f"not an Atom feed (root element {root.tag!r})")
        if b"arxiv.org/api/errors" in body:  # arXiv's error feed: one entry whose summary is the error
            m = re.search(rb"<summary[^>]*>(.*?)</summary>", body, re.S)
            said = " ".join((m.group(1) if m else b"").decode("utf-8", "replace").split())
            raise FetchError(f"arXiv API error: {said or 'unknown'}")
        n = len(self._ENTRY.findall(body))
        m = self._TOTAL.search(body)
        total = int(m.group(1)) if m else None
        start = int(params["start"])
        if n == 0 and total is not None and start < total:
            # arXiv now and then answers an empty page in the middle of a result set, and its
            # total can promise more than it serves: after the retries, it is the end
            raise Unreadable(f"an empty page at start={start} of {total:,} results", Page(0, None, total))
        nxt = start + n
        left = self._left(fetched + n)
        done = n == 0 or (total is not None and nxt >= total) or left == 0
        return Page(n, None if done else self._params(nxt), total)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r}: use a date like 2026-12-01") from None


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


class HfDaily(Source):
    """huggingface.co/api/daily_papers?date=…: one request per day, ``--date`` or ``--since``
    (to ``--until``, default today)."""

    name, fmt, suffix = "hf-daily", "hf-daily", ".json"
    api_url = "https://huggingface.co/api/daily_papers"
    min_delay = 1.0

    def _last(self) -> date:
        s = self.spec
        return _day(s.date or s.until or _today(), "--until")

    def first(self) -> Params:
        s = self.spec
        if not (s.date or s.since):
            raise UsageError("kg fetch hf-daily needs --date or --since")
        day = _day(s.date or s.since or "", "--date" if s.date else "--since")
        if day > self._last():
            raise UsageError(f"--since {day} is after --until {self._last()}")
        return {"date": day.isoformat()}

    def read(self, params: Params, body: bytes, fetched: int) -> Page:
        data = _json(body)
        if isinstance(data, dict) and "error" in data:
            raise FetchError(f"Hugging Face API error: {data['error']}")
        if not isinstance(data, list):
            raise Unreadable(f"expected a JSON array of papers, found {type(data).__name__}")
        n = len(data)
        day = date.fromisoformat(str(params["date"])) + timedelta(days=1)
        done = day > self._last() or self._left(fetched + n) == 0
        return Page(n, None if done else {"date": day.isoformat()})


class SemanticScholar(Source):
    """api.semanticscholar.org/graph/v1/paper/search/bulk: ``query``, paged with ``token`` (up
    to 1,000 papers a page); the key from S2_API_KEY goes in ``x-api-key``."""

    name, fmt, suffix = "semantic-scholar", "semantic-scholar", ".json"
    api_url = "https://api.semanticscholar.org/graph/v1/paper/search/bulk"
    min_delay = 1.0  # the API's rate for a key: 1 request per second
    FIELDS = "paperId,externalIds,title,abstract,authors,publicationDate,year,url,venue"

    def __post_init__(self) -> None:
        super().__post_init__()
        key = os.environ.get("S2_API_KEY", "").strip()
        if key:
            self.headers["x-api-key"] = key

    def first(self) -> Params:
        s = self.spec
        if not s.query:
            raise UsageError("kg fetch semantic-scholar needs --query")
        params: Params = {"query": s.query, "fields": self.FIELDS}
        if s.date or s.since or s.until:
            params["publicationDateOrYear"] = f"{s.date or s.since or ''}:{s.date or s.until or ''}"
        return params

    def read(self, params: Params, body: bytes, fetched: int) -> Page:
        data = _json(body)
        if not isinstance(data, dict) or not isinstance(data.get("data", []), list):
            raise Unreadable("expected a search page {total, token, data}")
        n = len(data.get("data") or [])
        token = data.get("token")
        done = not token or n == 0 or self._left(fetched + n) == 0
        total = data.get("total")
        return Page(n, None if done else {**params, "token": str(token)}, total if isinstance(total, int) else None)


class OpenAlex(Source):
    """api.openalex.org/works: ``filter`` and ``search``, cursor paging from ``cursor=*``; a
    ``mailto`` from OPENALEX_MAILTO (or KG_FETCH_MAILTO) joins the polite pool."""

    name, fmt, suffix = "openalex", "openalex", ".json"
    api_url = "https://api.openalex.org/works"
    min_delay = 0.1  # the polite pool allows 10 requests per second

    def first(self) -> Params:
        s = self.spec
        filters = [s.filter] if s.filter else []
        if s.date or s.since:
            filters.append(f"from_publication_date:{s.date or s.since}")
        if s.date or s.until:
            filters.append(f"to_publication_date:{s.date or s.until}")
        if not filters and not s.query:
            raise UsageError("kg fetch openalex needs --filter, --query or a date (--date, --since)")
        params: Params = {"per-page": min(s.page_size or 200, 200), "cursor": "*"}
        if filters:
            params["filter"] = ",".join(filters)
        if s.query:
            params["search"] = s.query
        mail = os.environ.get("OPENALEX_MAILTO") or os.environ.get("KG_FETCH_MAILTO")
        if mail:
            params["mailto"] = mail
        return params

    def read(self, params: Params, body: bytes, fetched: int) -> Page:
        data = _json(body)
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise Unreadable("expected a list page {meta, results}")
        meta = data["meta"] if isinstance(data.get("meta"), dict) else {}
        n = len(data["results"])
        cursor = meta.get("next_cursor")
        done = not cursor or n == 0 or self._left(fetched + n) == 0
        total = meta.get("count")
        return Page(n, None if done else {**params, "cursor": str(cursor)}, total if isinstance(total, int) else None)


SOURCES: dict[str, type[Source]] = {s.name: s for s in (Arxiv, HfDaily, SemanticScholar, OpenAlex)}


def make_source(name: str, spec: Spec, api_url: str | None = None) -> Source:
    if name not in SOURCES:
        raise UsageError(f"unknown source {name!r}; use one of {', '.join(SOURCES)}")
    return SOURCES[name](spec, url=api_url or "")
