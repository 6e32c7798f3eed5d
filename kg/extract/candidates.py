"""Plain-data records that the spaCy components leave on a Doc.

Components never store Span objects in extensions (that breaks ``nlp.pipe(n_process>1)``):
they append dicts of character offsets and strings to ``doc._.kg_candidates``; the paper
resolution (kg/extract/assemble.py) turns them into the paper's entities.

A candidate dict has:
    start, end   character offsets into doc.text
    label        an entity type from kg.schema.ENTITY_TYPES
    extractor    the component's name ("kg_urls", "kg_lexicon", "ner", …)
    confidence   0..1
and optionally:
    proposed     True when the paper introduces it ("we propose X")
    canonical    a canonical name the extractor already knows (lexicon entry, normalized URL)
    url          for Repository / Website
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

for _name in ("kg_candidates", "kg_abbreviations", "kg_relations", "kg_results"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once per Doc: spaCy rebuilds the string from every token on each
    access (about 1 ms for an abstract), and every component needs it."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text


def made_from(doc: Doc, text: str) -> Doc:
    """Record the string ``doc`` was tokenized from as its text_of (spaCy's tokenizer loses no
    character, so it equals ``doc.text``), which saves rebuilding it."""
    doc.user_data["kg_text"] = text
    return doc


def add_candidate(doc: Doc, start: int, end: int, label: str, extractor: str, confidence: float, **extra: Any) -> None:
    ext = doc._  # each ``doc._`` builds a new accessor
    if ext.kg_candidates is None:
        ext.kg_candidates = []
    ext.kg_candidates.append(
        {"start": start, "end": end, "label": label, "extractor": extractor, "confidence": confidence, **extra}
    )


def extend(doc: Doc, extension: str, items: list[dict[str, Any]]) -> None:
    """Append plain dicts to a list-valued Doc extension (``kg_relations``, ``kg_results``)."""
    current = getattr(doc._, extension)
    if current is None:
        setattr(doc._, extension, list(items))
    else:
        current.extend(items)


def candidates(doc: Doc) -> list[dict[str, Any]]:
    return doc._.kg_candidates or []
