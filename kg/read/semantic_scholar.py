"""Semantic Scholar Academic Graph API papers (api.semanticscholar.org/graph/v1/paper/…): one
paper object, an array of them (``/paper/batch``), or a search or bulk page
``{"total", "offset", "next" | "token", "data": [...]}``. A paper has ``paperId``,
``externalIds`` (``ArXiv``, ``DOI``…), ``title``, ``abstract`` (null for many papers, whose
publisher does not allow it), ``authors`` as ``{authorId, name}``, ``publicationDate`` (or only
``year``), ``url``, ``venue``, ``journal``, ``fieldsOfStudy``; only the fields asked for are
present. Citation and reference pages (``citingPaper``/``citedPaper`` records) and
recommendations (``recommendedPapers``) read too."""

from __future__ import annotations

import re
from typing import Any

from kg.model import Paper
from kg.read import fields as f

FORMAT = "semantic-scholar"
CONTENT = re.compile(r'(?<!\\)"paperId"\s*:')
# /paper/{id}/citations and /references give {"contexts", "intents", "citingPaper" | "citedPaper"}
_WRAPPERS = ("citingPaper", "citedPaper")


def looks_like(record: Any) -> bool:
    return isinstance(record, dict) and "paperId" in record


def _journal_ref(journal: dict) -> str | None:
    """A reference like "NeurIPS 36, 1-12" from ``{"name", "volume", "pages"}``; S2 names arXiv
    as the journal of a preprint, which is no journal reference."""
    name, volume, pages = (f.text(journal, k) for k in ("name", "volume", "pages"))
    if not name or name.lower() == "arxiv":
        return None
    ref = " ".join(x for x in (name, volume) if x)
    return ", ".join(x for x in (ref, pages) if x) or None


def _categories(record: dict) -> list[str]:
    named = f.array(record, "fieldsOfStudy")
    if not all(isinstance(x, str) for x in named):
        raise ValueError("'fieldsOfStudy' must be a list of strings")
    return f.unique([*named, *f.names(f.array(record, "s2FieldsOfStudy"), "category", "s2FieldsOfStudy")])


def to_paper(record: Any, file: str, line: int, pointer: str | None) -> Paper:
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, found {type(record).__name__}")
    for wrapper in _WRAPPERS:  # a citation or reference page's record holds its paper
        if "paperId" not in record and isinstance(record.get(wrapper), dict):
            record = record[wrapper]
    paper_id = f.text(record, "paperId")
    ids = f.obj(record, "externalIds")
    arxiv_id = f.arxiv_id(f.text(ids, "ArXiv"))
    doi = f.bare_doi(f.text(ids, "DOI"))
    rid = arxiv_id or paper_id
    if not rid:
        raise ValueError("paper has no 'paperId'")
    url = f.text(record, "url")
    year = f.string(record, "year")
    venue = f.text(record, "venue") or f.text(f.obj(record, "publicationVenue"), "name")
    return f.make_paper(
        file,
        line,
        pointer,
        id=rid,
        title=f.text(record, "title") or "",
        abstract=f.text(record, "abstract") or "",
        url=url,
        authors=f.names(f.array(record, "authors"), "name", "authors"),
        date=f.iso_date(f.string(record, "publicationDate")) or f.iso_date(year),
        arxiv_id=arxiv_id,
        links=f.unique(
            [
                url,
                f.text(f.obj(record, "openAccessPdf"), "url"),
                f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
                f"https://doi.org/{doi}" if doi else None,
            ]
        ),
        doi=doi,
        categories=_categories(record),
        venue=venue,
        journal_ref=_journal_ref(f.obj(record, "journal")),
    )
