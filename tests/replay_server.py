"""A loopback HTTP server that replays API responses for ``kg fetch`` and ``kg update`` tests.

A real ``http.server.ThreadingHTTPServer`` on 127.0.0.1 (a free port): each GET goes to a
handler function ``(path, params) -> Reply``; scripted faults (``server.faults``) are served first,
one per request, before the handler's answer. Every request is recorded with its time, path,
parameters and headers, so tests check paging, spacing and the user agent on what was received.

The ``*_api`` functions build handlers that answer like each API's documented shape, paging over
a list of records (see tests/data/fetch/ for one page of each as the real API sends it).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0  # seconds to wait before answering (a timeout)
    truncate: int | None = None  # send only this many bytes of the body, then close


@dataclass
class Request:
    time: float  # time.monotonic() when it arrived
    path: str
    params: dict[str, str]
    headers: dict[str, str]


Handler = Callable[[str, dict[str, str]], Reply]


class ReplayServer:
    def __init__(self, handler: Handler):
        self.handler = handler
        self.faults: list[Reply] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlsplit(self.path)
                params = dict(parse_qsl(url.query, keep_blank_values=True))
                with server._lock:
                    server.requests.append(Request(time.monotonic(), url.path, params, dict(self.headers.items())))
                    reply = server.faults.pop(0) if server.faults else None
                if reply is None:
                    reply = server.handler(url.path, params)
                if reply.hang:
                    time.sleep(reply.hang)
                body = reply.body if reply.truncate is None else reply.body[: reply.truncate]
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if reply.truncate is not None:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
                    pass
                if reply.truncate is not None:
                    self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def gaps(self) -> list[float]:
        """Seconds between the starts of consecutive requests."""
        times = [r.time for r in self.requests]
        return [b - a for a, b in zip(times, times[1:], strict=False)]


# ---------------------------------------------------------------- records and API shapes


def record(i: int, day: str = "2026-12-01") -> dict:
    """A paper as the tests' APIs hold it; ids are arXiv-style and distinct."""
    return {
        "id": f"2612.{i:05d}",
        "title": f"Paper {i}: SparseNet{i} for image classification",
        "abstract": f"We propose SparseNet{i}, a sparse network. It reaches 8{i % 10}.1% accuracy on ImageNet. "
        f"Code: https://github.com/lab/sparsenet{i}.",
        "authors": [f"Ada Author{i}", "Bo Second"],
        "date": day,
    }


def atom_feed(records: list[dict], total: int, start: int) -> bytes:
    entries = "".join(
        f"""  <entry>
    <id>http://arxiv.org/abs/{r['id']}v1</id>
    <published>{r['date']}T17:59:59Z</published>
    <title>{escape(r['title'])}</title>
    <summary>{escape(r['abstract'])}</summary>
{''.join(f'    <author><name>{escape(a)}</name></author>{chr(10)}' for a in r['authors'])}\
    <link href="http://arxiv.org/abs/{r['id']}v1" rel="alternate" type="text/html"/>
    <arxiv:primary_category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
"""
        for r in records
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" \
xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title type="html">ArXiv Query: search_query</title>
  <id>http://arxiv.org/api/query</id>
  <updated>2026-12-07T00:00:00-05:00</updated>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
  <opensearch:itemsPerPage>{len(records)}</opensearch:itemsPerPage>
{entries}</feed>
""".encode()


ARXIV_ERROR = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <title>ArXiv Query: search_query=&amp;id_list=&amp;start=0&amp;max_results=10</title>
  <id>http://arxiv.org/api/query</id>
  <opensearch:totalResults>1</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.12345</summary>
    <updated>2026-12-07T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>
</feed>
"""


def arxiv_api(records: list[dict]) -> Handler:
    """``/api/query`` paged with ``start`` and ``max_results`` over ``records``."""

    def handle(path: str, params: dict[str, str]) -> Reply:
        start, size = int(params.get("start", 0)), int(params.get("max_results", 10))
        return Reply(body=atom_feed(records[start : start + size], len(records), start),
                     content_type="application/atom+xml")

    return handle


def hf_daily_api(by_day: dict[str, list[dict]]) -> Handler:
    """``/api/daily_papers?date=…``: the papers of that day as the Hub lists them."""

    def handle(path: str, params: dict[str, str]) -> Reply:
        items = [
            {
                "paper": {
                    "id": r["id"],
                    "title": r["title"],
                    "summary": r["abstract"],
                    "authors": [{"_id": f"a{n}", "name": a, "hidden": False} for n, a in enumerate(r["authors"])],
                    "publishedAt": f"{r['date']}T17:59:59.000Z",
                    "upvotes": 7,
                    "githubRepo": f"https://github.com/lab/{r['id']}",
                },
                "publishedAt": f"{r['date']}T22:00:00.000Z",
                "title": r["title"],
                "numComments": 2,
            }
            for r in by_day.get(params.get("date", ""), [])
        ]
        return Reply(body=json.dumps(items, indent=2).encode())

    return handle


def s2_paper(r: dict) -> dict:
    return {
        "paperId": f"s2{r['id'].replace('.', '')}",
        "externalIds": {"ArXiv": r["id"], "DOI": f"10.48550/arXiv.{r['id']}"},
        "title": r["title"],
        "abstract": r["abstract"],
        "authors": [{"authorId": str(n), "name": a} for n, a in enumerate(r["authors"])],
        "publicationDate": r["date"],
        "year": int(r["date"][:4]),
        "url": f"https://www.semanticscholar.org/paper/s2{r['id']}",
        "venue": "arXiv.org",
    }


def s2_bulk_api(records: list[dict], page: int = 3) -> Handler:
    """``/graph/v1/paper/search/bulk``: ``{"total", "token", "data"}`` pages, a token until the last."""

    def handle(path: str, params: dict[str, str]) -> Reply:
        start = int(params.get("token") or 0)
        data = [s2_paper(r) for r in records[start : start + page]]
        more = start + page < len(records)
        body = {"total": len(records), "token": str(start + page) if more else None, "data": data}
        return Reply(body=json.dumps(body).encode())

    return handle


def openalex_work(r: dict) -> dict:
    words = r["abstract"].split(" ")
    index: dict[str, list[int]] = {}
    for n, w in enumerate(words):
        index.setdefault(w, []).append(n)
    return {
        "id": f"https://openalex.org/W{r['id'].replace('.', '')}",
        "doi": f"https://doi.org/10.48550/arxiv.{r['id']}",
        "title": r["title"],
        "display_name": r["title"],
        "publication_date": r["date"],
        "abstract_inverted_index": index,
        "authorships": [{"author": {"display_name": a}} for a in r["authors"]],
        "primary_location": {
            "landing_page_url": f"https://arxiv.org/abs/{r['id']}",
            "source": {"display_name": "arXiv"},
        },
    }


def openalex_api(records: list[dict], page: int = 3) -> Handler:
    """``/works`` with cursor paging: ``cursor=*`` first, then ``meta.next_cursor`` until null."""

    def handle(path: str, params: dict[str, str]) -> Reply:
        cursor = params.get("cursor", "*")
        start = 0 if cursor == "*" else int(cursor.removeprefix("c"))
        size = min(int(params.get("per-page", page)), page)
        more = start + size < len(records)
        meta = {"count": len(records), "per_page": size, "next_cursor": f"c{start + size}" if more else None}
        body = {"meta": meta, "results": [openalex_work(r) for r in records[start : start + size]]}
        return Reply(body=json.dumps(body).encode())

    return handle
