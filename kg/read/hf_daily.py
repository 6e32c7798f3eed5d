"""Hugging Face Daily Papers API responses (huggingface.co/api/daily_papers?date=…): an array
of items, each with the paper under ``paper`` (``id`` is the arXiv id, ``summary`` the
abstract, ``authors`` objects with a ``name``, ``publishedAt`` the arXiv date) and the day's
listing beside it (``numComments``, ``submittedBy``…); and bare paper objects
(huggingface.co/api/papers/{id}), alone or in arrays. ``upvotes``, ``numComments``,
``githubRepo`` and ``projectPage`` are read at either level."""

from __future__ import annotations

import re
from typing import Any

from kg.model import Paper
from kg.read import fields as f

FORMAT = "hf-daily"
# Hugging Face's camelCase keys, which no other API here and no kg output has ("paper" alone
# would also match a kg extract line)
CONTENT = re.compile(
    r'(?<!\\)"(?:publishedAt|submittedOnDailyAt|submittedOnDailyBy|discussionId|numComments|githubRepo|projectPage)"\s*:'
)
PAPER_PAGE = "https://huggingface.co/papers/"


def looks_like(record: Any) -> bool:
    return isinstance(record, dict) and (
        isinstance(record.get("paper"), dict) or ("summary" in record and "publishedAt" in record)
    )


def _either(item: dict, paper: dict, key: str, read: Any) -> Any:
    value = read(paper, key)
    return read(item, key) if value is None else value


def to_paper(record: Any, file: str, line: int, pointer: str | None) -> Paper:
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, found {type(record).__name__}")
    paper = f.obj(record, "paper") or record  # a daily item, or a bare paper
    rid = f.text(paper, "id")
    title = _either(record, paper, "title", f.text) or ""
    if not rid:
        raise ValueError("paper has no 'id' (its arXiv id)")
    arxiv_id = f.arxiv_id(rid)
    code_url = _either(record, paper, "githubRepo", f.text)
    project_page = _either(record, paper, "projectPage", f.text)
    arxiv_page = f"https://arxiv.org/abs/{rid}" if arxiv_id else None
    return f.make_paper(
        file,
        line,
        pointer,
        id=rid,
        title=title,
        abstract=_either(record, paper, "summary", f.text) or _either(record, paper, "abstract", f.text) or "",
        url=PAPER_PAGE + rid,
        authors=f.names(f.array(paper, "authors") or f.array(record, "authors"), "name", "authors"),
        date=f.iso_date(_either(record, paper, "publishedAt", f.string)),
        arxiv_id=arxiv_id,
        links=f.unique([PAPER_PAGE + rid, arxiv_page, code_url, project_page]),
        upvotes=_either(record, paper, "upvotes", f.count),
        num_comments=_either(record, paper, "numComments", f.count),
        code_url=code_url,
        project_page=project_page,
    )
