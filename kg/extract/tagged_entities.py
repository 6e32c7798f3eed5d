"""Entities from per-token BIO/BILUO tags: the decoder behind the tagger-head NER.

A softmax tagger over the shared tok2vec (spaCy's ``tagger`` trained on ``B-Method``, ``I-Method``,
``O``, …) costs a fraction of the transition-based ``ner``, which runs a state loop per token.
This component turns the tags it leaves in ``token.tag_`` into ``doc.ents`` and then clears
``token.tag_``, so entity tags never show up where users expect part-of-speech tags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy
from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

__all__ = ["TaggedEntities", "decode_tags", "make_tagged_entities"]


def decode_tags(tags: Sequence[str], strict: bool = True) -> list[tuple[int, int, str]]:
    """Token spans ``(start, end, label)`` from BIO or BILUO tags.

    ``I-``/``L-`` continue an open entity of the same label; with none open they start one
    (``L-``/``U-`` also close it), or with ``strict`` they count as ``O``. A type change, ``O``
    or any other tag closes the entity.
    """
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate(tags):
        prefix, _, lab = tag.partition("-")
        if not lab or prefix not in ("B", "I", "L", "U"):
            prefix = "O"
        if start >= 0 and prefix in ("I", "L") and lab == label:
            if prefix == "L":
                spans.append((start, i + 1, label))
                start = -1
            continue
        if start >= 0:
            spans.append((start, i, label))
            start = -1
        if strict and prefix in ("I", "L"):
            continue
        if prefix in ("B", "I"):
            start, label = i, lab
        elif prefix in ("L", "U"):
            spans.append((i, i + 1, lab))
    if start >= 0:
        spans.append((start, len(tags), label))
    return spans


class TaggedEntities:
    """Sets ``doc.ents`` from ``token.tag_`` and clears the tags; scores like ``ner``."""

    def __init__(
        self, name: str = "kg_tagged_entities", strict: bool = True, scorer: Callable[..., dict[str, Any]] | None = None
    ) -> None:
        self.name = name
        self.strict = strict
        self.scorer = scorer

    def __call__(self, doc: Doc) -> Doc:
        ids = doc.to_array(TAG)
        tags = [doc.vocab.strings[i] for i in ids.tolist()]
        doc.set_ents([Span(doc, s, e, label=lab) for s, e, lab in decode_tags(tags, self.strict)], default="outside")
        # spaCy's stub wants thinc's Ints2d; at runtime it takes the (uint64) array to_array gave.
        doc.from_array([TAG], numpy.zeros_like(ids))  # type: ignore[arg-type]  # tag "" everywhere
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        # Lets training select checkpoints on entity F1 (the tagger's own score is tag accuracy).
        return self.scorer(examples, **kwargs) if self.scorer is not None else {}


@Language.factory(
    "kg_tagged_entities",
    default_config={"strict": True, "scorer": {"@scorers": "spacy.ner_scorer.v1"}},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_tagged_entities(
    nlp: Language, name: str, strict: bool, scorer: Callable[..., dict[str, Any]] | None
) -> TaggedEntities:
    return TaggedEntities(name, strict, scorer)
