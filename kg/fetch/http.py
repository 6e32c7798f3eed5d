"""The one HTTP client every fetch uses: a user agent naming paper-kg, timeouts, retries with
backoff, and a minimum delay between requests.

APIs ask clients to space their requests (arXiv: 3 s) and to back off when told (429 with
``Retry-After``, 503 while overloaded). A failed attempt is retried when waiting can help: a
timeout, a dropped connection, a truncated body, 429 or a 5xx, and a body the source finds
unreadable (``Unreadable``: a page cut short, or arXiv's occasional empty page). Other 4xx are
the request's fault and fail at once, quoting what the API said.
"""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TypeVar

import httpx

from kg.errors import KgError

__all__ = ["Client", "FetchError", "Unreadable", "user_agent"]

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 5
MAX_BACKOFF = 120.0  # seconds; also caps a Retry-After, so a cron run cannot sleep for hours
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class FetchError(KgError):
    """An API that keeps failing or refuses the request (exit code 4). The fetch's state is kept:
    the same command again resumes."""

    exit_code = 4


class Unreadable(Exception):
    """Raised by a page check: the body is not a whole page (worth another try). ``fallback``:
    what to make of it when the tries run out, instead of failing (arXiv's empty pages)."""

    def __init__(self, message: str, fallback: Any = None):
        super().__init__(message)
        self.fallback = fallback


def _version() -> str:
    try:
        return version("paper-kg")
    except PackageNotFoundError:  # a checkout on sys.path without installing
        return "0"


def user_agent() -> str:
    """``paper-kg/0.1.0 (python-httpx/0.28.1; mailto:…)``: the mail address from KG_FETCH_MAILTO
    (or OPENALEX_MAILTO) when set, so an API operator can reach whoever runs the fetch."""
    parts = [f"python-httpx/{httpx.__version__}"]
    mail = os.environ.get("KG_FETCH_MAILTO") or os.environ.get("OPENALEX_MAILTO")
    if mail:
        parts.append(f"mailto:{mail}")
    return f"paper-kg/{_version()} ({'; '.join(parts)})"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


@dataclass
class Client:
    """Requests spaced by at least ``min_delay`` seconds (from the end of one response to the
    next request), each retried up to
    ``retries`` times with exponential backoff from ``backoff`` seconds (or the server's
    Retry-After when it says more)."""

    min_delay: float = 0.0
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = 1.0
    headers: Mapping[str, str] = field(default_factory=dict)
    on_wait: Callable[[str], None] | None = None  # told why a retry waits
    sleep: Callable[[float], None] = time.sleep
    _last: float | None = field(default=None, init=False)
    _http: httpx.Client | None = field(default=None, init=False)

    def __enter__(self) -> Client:
        self._http = httpx.Client(
            headers={"User-Agent": user_agent(), **self.headers},
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=True,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def _space(self) -> None:
        # counted from the end of the previous response, so the server sees at least min_delay
        # between two requests whatever the network adds
        if self._last is not None:
            wait = self._last + self.min_delay - time.monotonic()
            if wait > 0:
                self.sleep(wait)

    def get(self, url: str, params: Mapping[str, str | int], check: Callable[[bytes], T]) -> tuple[bytes, T]:
        """The body of one GET and what ``check`` made of it; raises FetchError when retries run
        out or the API refuses the request."""
        assert self._http is not None, "use the Client in a with block"
        for attempt in range(self.retries + 1):
            self._space()
            wait: float | None = None
            try:
                response = self._http.get(url, params=params)
                body = response.content  # a body cut short raises here (RemoteProtocolError)
            except httpx.TimeoutException:
                why = f"timed out after {self.timeout:g} s"
            except httpx.TransportError as err:
                why = f"connection failed ({_first_line(err)})"
            else:
                self._last = time.monotonic()
                if response.status_code in RETRY_STATUS:
                    why = f"HTTP {response.status_code}"
                    wait = _retry_after(response.headers.get("Retry-After"))
                elif response.status_code >= 400:
                    raise FetchError(f"{_show(response.request.url)}: HTTP {response.status_code}: {_said(body)}")
                else:
                    try:
                        return body, check(body)
                    except Unreadable as err:
                        why = str(err)
                        if attempt == self.retries and err.fallback is not None:
                            if self.on_wait is not None:
                                self.on_wait(f"{why}; gave up after {attempt + 1} tries and took it as the end")
                            return body, err.fallback
            self._last = time.monotonic()
            if attempt == self.retries:
                raise FetchError(f"{_show(httpx.URL(url, params=params))}: {why}; gave up after {attempt + 1} tries")
            delay = min(max(self.backoff * 2**attempt, wait or 0.0), MAX_BACKOFF)
            if self.on_wait is not None:
                self.on_wait(f"{why}; retrying in {delay:g} s ({attempt + 1} of {self.retries})")
            self.sleep(delay)
        raise AssertionError("unreachable")


def _first_line(err: Exception) -> str:
    return (str(err).splitlines() or [type(err).__name__])[0][:200]


def _show(url: httpx.URL) -> str:
    """A URL for an error message, without credentials in its query."""
    params = [(k, "…" if k.lower() in ("api_key", "key", "token") else v) for k, v in url.params.multi_items()]
    return str(url.copy_with(params=params))


def _said(body: bytes) -> str:
    """What an error body says, in one short line (an arXiv error feed's summary, an API's
    JSON message, or the start of the text)."""
    import json
    import re

    text = body.decode("utf-8", "replace")
    m = re.search(r"<summary[^>]*>(.*?)</summary>", text, re.S)
    if m:
        return " ".join(m.group(1).split())[:300]
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("message", "error", "detail"):
            if isinstance(data.get(key), str):
                return " ".join(data[key].split())[:300]
    return " ".join(text.split())[:300] or "(empty body)"
