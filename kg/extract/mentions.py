"""The mentions that the sentence-level components (relations, results) read from a Doc.

In the extraction pipeline these are the paper's final mentions: the Extractor resolves the
title's and abstract's candidates together (kg/extract/assemble.py) and writes the kept ones to
``doc._.kg_mentions`` as plain dicts ``{"start", "end", "label", "id"}`` — character offsets,
not a ``doc.spans`` group, because cleaned spans need not fall on token boundaries. In a
user's own single-Doc pipeline nothing sets them, and the Doc's entities and kg candidates
stand in.

The components run their finders one Doc sentence at a time on the sentence's own text, with
sentence-relative mentions, and write Doc offsets back; each output dict's ``sentence`` is the
Doc sentence's span.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from kg.extract.candidates import candidates, text_of
from kg.extract.sentences import doc_sentences
from kg.schema import SCIENTIFIC_TYPES

Mention = tuple[int, int, str]  # (start, end, type) in character offsets
Span = tuple[int, int]

if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)
# The statistical NER's probability for each entity it wrote to doc.ents, by (start, end)
# characters, where the NER states one (kg/extract/span_ner.py); judge.py weighs it
if not Doc.has_extension("kg_ner_scores"):
    Doc.set_extension("kg_ner_scores", default=None)


def set_mentions(doc: Doc, mentions: list[tuple[int, int, str, str]]) -> None:
    """Write the final (start, end, type, entity id) mentions of this field."""
    doc._.kg_mentions = [{"start": s, "end": e, "label": t, "id": i} for s, e, t, i in mentions]


def doc_mentions(doc: Doc, use_ents: bool = True, use_candidates: bool = True) -> list[Mention]:
    """Scientific mentions of a Doc, sorted: the final ones when set, else its kg candidates and
    entities with overlaps resolved longest first, a rule's claim before the NER's on the same
    span (the finders expect disjoint spans)."""
    if doc._.kg_mentions is not None:
        return sorted((m["start"], m["end"], m["label"]) for m in doc._.kg_mentions)
    found: dict[Mention, None] = {}  # insertion-ordered: the rules' claims before the NER's
    if use_candidates:
        found.update(((c["start"], c["end"], c["label"]), None) for c in candidates(doc))
    if use_ents:
        found.update(((e.start_char, e.end_char, e.label_), None) for e in doc.ents)
    kept: list[Mention] = []
    for m in sorted((m for m in found if m[2] in SCIENTIFIC_TYPES), key=lambda m: (m[0] - m[1], m[0])):
        if all(m[1] <= k[0] or m[0] >= k[1] for k in kept):
            kept.append(m)
    return sorted(kept)


@dataclass(frozen=True)
class SentenceWindow:
    """One Doc sentence: its span, its text and the mentions inside it (sentence-relative)."""

    start: int
    end: int
    text: str
    mentions: list[Mention]

    def to_doc(self, span: Any) -> Span | None:
        return None if span is None else (span[0] + self.start, span[1] + self.start)


def sentence_windows(doc: Doc, mentions: list[Mention]) -> Iterator[SentenceWindow]:
    text = text_of(doc)
    starts = [m[0] for m in mentions]
    for s0, s1 in doc_sentences(doc):
        # bisect: a 1 MB abstract has thousands of sentences and mentions
        lo, hi = bisect.bisect_left(starts, s0), bisect.bisect_right(starts, s1)
        inside = [(s - s0, e - s0, t) for s, e, t in mentions[lo:hi] if e <= s1]
        yield SentenceWindow(s0, s1, text[s0:s1], inside)


Finder = Callable[[str, list[Mention]], list[dict[str, Any]]]


def run_by_sentence(
    doc: Doc,
    finder: Finder,
    span_keys: tuple[str, ...],
    *,
    min_mentions: int,
    min_confidence: float,
    use_ents: bool = True,
    use_candidates: bool = True,
) -> list[dict[str, Any]]:
    """``finder(sentence_text, mentions)`` over each sentence with at least ``min_mentions``
    mentions; the dicts' ``span_keys`` are moved to Doc offsets."""
    out: list[dict[str, Any]] = []
    for w in sentence_windows(doc, doc_mentions(doc, use_ents, use_candidates)):
        if len(w.mentions) < min_mentions:
            continue
        for r in finder(w.text, w.mentions):
            if r["confidence"] < min_confidence:
                continue
            out.append({**r, **{k: w.to_doc(r.get(k)) for k in span_keys if k in r}, "sentence": (w.start, w.end)})
    return out
