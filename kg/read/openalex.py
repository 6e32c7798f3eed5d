"""OpenAlex works (api.openalex.org/works…): one work, an array of them, or a list page
``{"meta", "results": [...]}``. A work has ``id`` (https://openalex.org/W…), ``doi``,
``display_name``/``title``, ``abstract_inverted_index`` (the abstract as word → positions, for
legal reasons; turned back into text here), ``authorships[].author.display_name``,
``publication_date``, ``primary_location`` (its ``source.display_name`` is the venue),
``locations`` (an arXiv copy gives the arXiv id), ``topics`` and ``concepts``."""

from __future__ import annotations

import re
from typing import Any

from kg.model import Paper
from kg.read import fields as f

FORMAT = "openalex"
CONTENT = re.compile(r'(?<!\\)"abstract_inverted_index"\s*:|(?<!\\)"id"\s*:\s*"https://openalex\.org/W')
_WORK = "https://openalex.org/"


def looks_like(record: Any) -> bool:
    if not isinstance(record, dict):
        return False
    rid = record.get("id")
    return "abstract_inverted_index" in record or (isinstance(rid, str) and rid.startswith(_WORK + "W"))


def abstract(index: Any) -> str:
    """The text of an inverted index ``{"word": [positions]}``. Words are placed by sorting
    (position, word) pairs, never into a list as long as the largest position: a stray
    position of 10**9 costs nothing."""
    if index is None:
        return ""
    if not isinstance(index, dict):
        raise ValueError(f"'abstract_inverted_index' must be an object, not {type(index).__name__}")
    placed: list[tuple[int, str]] = []
    for word, positions in index.items():
        if not isinstance(positions, list) or not all(
            isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in positions
        ):
            raise ValueError(f"'abstract_inverted_index' must map words to lists of positions (word {word[:40]!r})")
        f.check_unicode("abstract_inverted_index", word)
        placed.extend((p, word) for p in positions)
    placed.sort()
    return " ".join(" ".join(word for _, word in placed).split())


def _arxiv_id(work: dict) -> str | None:
    """An arXiv copy among the work's locations (its landing page or its arXiv DOI)."""
    for loc in [f.obj(work, "primary_location"), *f.array(work, "locations")]:
        if not isinstance(loc, dict):
            raise ValueError("'locations' must be a list of objects")
        for key in ("landing_page_url", "pdf_url"):
            found = f.arxiv_id_in(f.text(loc, key))
            if found:
                return found
    return f.arxiv_id_in(f.text(work, "doi"))


def _authors(work: dict) -> list[str]:
    out = []
    for authorship in f.array(work, "authorships"):
        if not isinstance(authorship, dict):
            raise ValueError("'authorships' must be a list of objects")
        name = f.text(f.obj(authorship, "author"), "display_name") or f.text(authorship, "raw_author_name")
        if name:
            out.append(name)
    return out


def _categories(work: dict) -> list[str]:
    topics = f.names(f.array(work, "topics"), "display_name", "topics")
    if not topics:  # works indexed before topics (2024) have only concepts
        topics = f.names(f.array(work, "concepts"), "display_name", "concepts")
    return f.unique(topics)


def to_paper(record: Any, file: str, line: int, pointer: str | None) -> Paper:
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, found {type(record).__name__}")
    work_url = f.text(record, "id")
    work_id = work_url.removeprefix(_WORK) if work_url else None
    arxiv_id = _arxiv_id(record)
    rid = arxiv_id or work_id
    if not rid:
        raise ValueError("work has no 'id'")
    doi = f.bare_doi(f.text(record, "doi"))
    primary = f.obj(record, "primary_location")
    landing = f.text(primary, "landing_page_url")
    doi_url = f"https://doi.org/{doi}" if doi else None
    return f.make_paper(
        file,
        line,
        pointer,
        id=rid,
        title=f.text(record, "display_name") or f.text(record, "title") or "",
        abstract=abstract(record.get("abstract_inverted_index")),
        url=landing or doi_url or work_url,
        authors=_authors(record),
        date=f.iso_date(f.string(record, "publication_date")) or f.iso_date(f.string(record, "publication_year")),
        arxiv_id=arxiv_id,
        links=f.unique([landing, f.text(primary, "pdf_url"), doi_url, work_url]),
        doi=doi,
        categories=_categories(record),
        venue=f.text(f.obj(primary, "source"), "display_name"),
    )
