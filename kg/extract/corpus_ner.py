"""A second NER head for one corpus's annotation convention, writing to ``doc.spans[KEY]``.

SciERC (2018) marks generic noun phrases ("statistical machine translation system") as Method
or Task; SciER (2024) and paper-kg's own gold mark named methods, datasets and tasks. One output
layer taught both conventions learns neither well: the shipped main head, trained on both,
scores 0.37 on SciERC test where a SciERC-only model scores 0.49 (MODEL_CARD.md). So the
pipeline carries one extra head per convention: ``kg_corpus_ner`` is spaCy's transition-based
``ner`` trained only on that corpus's texts (all other texts are missing annotation for it),
whose entities go to ``doc.spans[spans_key]`` so that ``doc.ents`` stays the main head's.
``scripts/train_ner.py`` trains this kind (run K); the shipped pipeline's ``scierc_ner`` is
now the other kind, a fine-tuned transformer (kg.extract.encoder_ner, which registers its
factory in ``HEAD_FACTORIES``: everything below holds for both).

A pipeline keeps its corpus heads *disabled*, and extraction does not even load them
(``build_nlp(corpus_heads=False)``, the default).
``kg eval --dataset scierc`` enables the head to score the SciERC convention (``--head main``
scores the main head instead), and a user who wants SciERC-style mentions can too::

    nlp = spacy.load("kg/models/sci_ner")
    nlp.enable_pipe("scierc_ner")
    doc = nlp("We present a statistical machine translation system.")
    doc.spans["scierc"]  # [statistical machine translation system]

Put the head before the main one: spaCy's ``ner`` respects entities already in ``doc.ents``,
and this head must read the text, not the other head's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, Protocol, cast

import numpy
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE
from spacy.language import Language
from spacy.pipeline.ner import DEFAULT_NER_MODEL, EntityRecognizer
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry

__all__ = [
    "FACTORY",
    "HEAD_FACTORIES",
    "CorpusEntityRecognizer",
    "corpus_heads",
    "make_corpus_ner",
    "score_corpus_ents",
]

FACTORY = "kg_corpus_ner"
# Factories whose components are corpus heads (a ``spans_key`` attribute, output in doc.spans);
# kg.extract.encoder_ner adds its own when imported.
HEAD_FACTORIES: set[str] = {FACTORY}

_ENT_ATTRS = [ENT_IOB, ENT_TYPE, ENT_KB_ID]


class CorpusEntityRecognizer(EntityRecognizer):
    """spaCy's ``ner``, except that its entities go to ``doc.spans[spans_key]``; ``doc.ents``
    is left exactly as it was."""

    def __init__(self, *args: Any, spans_key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spans_key = spans_key

    def set_annotations(self, docs: Iterable[Doc], states_or_beams: Any) -> None:
        docs = list(docs)
        saved = [doc.to_array(_ENT_ATTRS) for doc in docs]
        # The ignores: spaCy's stubs type to_array's result as float64 and from_array's argument
        # as thinc's Ints2d; both are the same uint64 attribute array at runtime.
        for doc, before in zip(docs, saved, strict=True):
            doc.from_array(_ENT_ATTRS, numpy.zeros_like(before))  # type: ignore[arg-type]  # start from "missing"
        super().set_annotations(docs, states_or_beams)
        for doc, before in zip(docs, saved, strict=True):
            doc.spans[self.spans_key] = list(doc.ents)
            doc.from_array(_ENT_ATTRS, before)  # type: ignore[arg-type]


def score_corpus_ents(examples: Iterable[Example], spans_key: str, **kwargs: Any) -> dict[str, Any]:
    """``ner``'s entity P/R/F against the reference ``doc.ents``, reading the predictions from
    ``doc.spans[spans_key]``; keys are prefixed ``{spans_key}_`` (``scierc_ents_f``) so that they
    don't overwrite the main head's ``ents_f``. Texts without entity annotation are skipped."""
    converted = []
    for eg in examples:
        pred = eg.predicted.copy()
        pred.set_ents(list(pred.spans.get(spans_key, [])), default="outside")
        converted.append(Example(pred, eg.reference))
    return {f"{spans_key}_{k}": v for k, v in get_ner_prf(converted, **kwargs).items()}


@registry.scorers("kg.corpus_ents_scorer.v1")
def make_corpus_ents_scorer() -> Callable[..., dict[str, Any]]:
    return score_corpus_ents


@Language.factory(
    FACTORY,
    assigns=["doc.spans"],
    default_config={
        "spans_key": "scierc",
        "moves": None,
        "update_with_oracle_cut_size": 100,
        "model": DEFAULT_NER_MODEL,
        "incorrect_spans_key": None,
        "scorer": {"@scorers": "kg.corpus_ents_scorer.v1"},
    },
    default_score_weights={"scierc_ents_f": 1.0, "scierc_ents_p": 0.0, "scierc_ents_r": 0.0},
)
def make_corpus_ner(
    nlp: Language,
    name: str,
    model: Any,
    spans_key: str,
    moves: Any,
    update_with_oracle_cut_size: int,
    incorrect_spans_key: str | None,
    scorer: Callable[..., dict[str, Any]] | None,
) -> CorpusEntityRecognizer:
    # a partial, not a closure: the pipeline must pickle (nlp.pipe(n_process=...), multiprocessing)
    bound = partial(scorer, spans_key=spans_key) if scorer is not None else None
    return CorpusEntityRecognizer(
        nlp.vocab,
        model,
        name=name,
        moves=moves,
        update_with_oracle_cut_size=update_with_oracle_cut_size,
        incorrect_spans_key=incorrect_spans_key,
        scorer=bound,
        spans_key=spans_key,
    )


class CorpusHead(Protocol):
    """What every ``HEAD_FACTORIES`` component has: the ``doc.spans`` key it writes."""

    spans_key: str


def corpus_heads(nlp: Language) -> dict[str, str]:
    """``{spans_key: component name}`` of the corpus heads in ``nlp``, enabled or not."""
    # nlp.components types each as a Doc -> Doc callable; the factory says it is a CorpusHead.
    return {
        cast(CorpusHead, proc).spans_key: name
        for name, proc in nlp.components
        if nlp.get_pipe_meta(name).factory in HEAD_FACTORIES
    }
