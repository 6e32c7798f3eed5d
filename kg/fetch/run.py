"""One fetch: pages saved raw and resumably, then the normalized JSONL written through the readers.

``kg fetch arxiv … -o out/new.jsonl`` keeps every response as it came in ``out/new.raw/``
(``0001.xml``, ``0002.xml``, …) and, after each page, ``.state.json``: the request, what was saved,
and the next page's parameters. A fetch killed at any point, run again with the same options,
asks for the first page it had not saved; a page saved but not yet in the state is asked for
again and written over, so nothing is held twice. When the last page is in, the pages are read
with the source's reader (``kg.read``), one at a time, and the papers written to the JSONL
atomically; a paper id seen on an earlier page (results that shifted while paging) is dropped.
The raw directory stays: re-reading it gives the same JSONL, and ``kg extract out/new.raw/``
reads the pages directly.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from kg.fetch.http import Client
from kg.fetch.sources import Page, Params, Source
from kg.io.atomic import atomic_write

__all__ = ["FetchReport", "fetch", "raw_dir_for", "write_papers"]

STATE = ".state.json"  # hidden: kg extract DIR reads the pages beside it, not this
STATE_VERSION = 1
OnPage = Callable[[int, Page, int], None]  # (records so far, the page, pages so far)


@dataclass
class FetchReport:
    output: Path
    raw_dir: Path
    pages: int  # raw pages the fetch holds
    requested: int  # pages asked for in this run (a resumed run asks for fewer)
    resumed_at: int  # pages already saved when this run started
    papers: int  # written to the JSONL
    duplicates: int  # ids seen on an earlier page, dropped


def raw_dir_for(output: str | os.PathLike[str]) -> Path:
    """``out/new.jsonl`` → ``out/new.raw``."""
    path = Path(output)
    return path.with_name(path.stem + ".raw")


def _identity(source: Source) -> dict[str, Any]:
    return {"source": source.name, "url": source.url, "spec": source.spec.as_json()}


def _read_state(raw: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((raw / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("version") == STATE_VERSION else None


def _load_state(raw: Path, source: Source, restart: bool) -> dict[str, Any] | None:
    """The saved state of an unfinished fetch of the same request, else None."""
    state = _read_state(raw)
    if restart or state is None or state.get("complete"):
        return None
    if {k: state.get(k) for k in ("source", "url", "spec")} != _identity(source):
        return None
    return state


def _clear(raw: Path) -> None:
    """Remove an earlier fetch's pages: only the files its state names (the directory may be
    the user's own, given with --raw)."""
    state = _read_state(raw)
    for page in state.get("pages", []) if state else []:
        name = str(page.get("file", "")) if isinstance(page, dict) else ""
        if name and Path(name).name == name:
            (raw / name).unlink(missing_ok=True)


def _save_state(raw: Path, state: dict[str, Any]) -> None:
    with atomic_write(raw / STATE) as fh:
        json.dump(state, fh, indent=1)
        fh.write("\n")


def _read(source: Source, params: Params, fetched: int, body: bytes) -> Page:
    return source.read(params, body, fetched)


def fetch(
    source: Source,
    output: str | os.PathLike[str],
    client: Client,
    *,
    raw_dir: Path | None = None,
    restart: bool = False,
    on_page: OnPage | None = None,
) -> FetchReport:
    """Fetch every page of ``source`` (resuming an unfinished fetch), then write the JSONL."""
    raw = raw_dir or raw_dir_for(output)
    state = _load_state(raw, source, restart)
    if state is None:
        _clear(raw)
        raw.mkdir(parents=True, exist_ok=True)
        state = {"version": STATE_VERSION, **_identity(source), "pages": [], "next": source.first(), "total": None}
        _save_state(raw, state)
    pages: list[dict[str, Any]] = state["pages"]
    resumed_at = len(pages)
    fetched = sum(p["records"] for p in pages)
    requested = 0
    while state["next"] is not None:
        params: Params = state["next"]
        body, page = client.get(source.url, params, partial(_read, source, params, fetched))
        requested += 1
        name = f"{len(pages) + 1:04d}{source.suffix}"
        with atomic_write(raw / name, "wb") as fh:
            fh.write(body)
        fetched += page.records
        pages.append({"file": name, "records": page.records, "params": params})
        state["next"] = page.next
        state["total"] = page.total if page.total is not None else state["total"]
        _save_state(raw, state)
        if on_page is not None:
            on_page(fetched, page, len(pages))
    state["complete"] = True
    _save_state(raw, state)
    written, dups = write_papers([raw / p["file"] for p in pages], source.fmt, output, source.spec.max)
    return FetchReport(Path(output), raw, len(pages), requested, resumed_at, written, dups)


def write_papers(pages: list[Path], fmt: str, output: str | os.PathLike[str], limit: int = 0) -> tuple[int, int]:
    """The papers of the raw pages, in order, once each (at most ``limit``; 0: all) as JSONL
    that ``kg extract`` and ``kg build`` read; returns (written, duplicates dropped)."""
    from kg.read import read_file

    seen: set[str] = set()
    dups = 0
    with atomic_write(output) as fh:
        for path in pages:
            for paper in read_file(path, fmt):
                if paper.id in seen:
                    dups += 1
                    continue
                if limit and len(seen) >= limit:
                    break
                seen.add(paper.id)
                record = paper.model_dump(mode="json", exclude={"source"}, exclude_defaults=True)
                fh.write(json.dumps({"id": paper.id, **record}, ensure_ascii=False))
                fh.write("\n")
    return len(seen), dups
