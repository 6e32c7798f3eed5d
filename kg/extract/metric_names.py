"""Metric names as entities, whether or not a number follows ("improves inference speed",
"at the cost of disk space"): the gold guidelines count an evaluation measure named in the text
as a Metric, and the statistical NER rarely tags one without a value.

The names are :func:`kg.extract.metrics.find_metric_names`' (the built-in metric patterns and the
lexicons' Metric entries), so what the results rule reads as a metric is the same thing that
becomes the entity. A bare generic measure ("speed", "latency", "throughput" alone) needs a value
to count: that is the results rule's to claim; named as a constraint ("latency budgets") it is a
condition, not an outcome.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidates import add_candidate, text_of
from kg.extract.lexicon import CONDITION_AFTER
from kg.extract.metrics import find_metric_names
from kg.extract.registry import rule_component

EXTRACTOR = "kg_metric_names"
# A measure too generic to name an outcome on its own: one of these needs a reported value.
BARE_NEEDS_VALUE = frozenset({"speed", "latency", "throughput", "speed up"})  # "to speed up training"


# Acronyms that name a metric and something else: mean absolute error or a masked autoencoder,
# exact match or expectation-maximization, Inception Score or a shouted "is", cross-entropy the
# loss. Without a value they are left to the lexicon and the results rule, which see their use.
AMBIGUOUS_ACRONYMS = frozenset({"MAE", "EM", "IS", "CE"})
# a capitalised word next to another: "Mixed Precision Quantization" is a method's name
_CAPITALISED_NEIGHBOUR = (re.compile(r"[A-Z][\w-]*\s+$"), re.compile(r"\s+[A-Z][a-z]"))


def find_metric_mentions(text: str) -> list[tuple[int, int]]:
    """(start, end) of the metric names in ``text`` that stand as outcomes."""
    out = []
    for start, end in find_metric_names(text):
        name = text[start:end]
        if name.lower() in BARE_NEEDS_VALUE or CONDITION_AFTER.match(text, end) or name in AMBIGUOUS_ACRONYMS:
            continue
        before, after = _CAPITALISED_NEIGHBOUR
        if name[0].isupper() and (before.search(text, max(0, start - 30), start) or after.match(text, end)):
            continue
        out.append((start, end))
    return out


# Below the lexicon, the dataset cues and the proposals (a name those type otherwise keeps
# their type), above propagation, coined names and the NER.
@rule_component(EXTRACTOR, priority=5, default_config={"confidence": 0.6}, assigns=["doc._.kg_candidates"])
def make_metric_names(nlp: Language, name: str, confidence: float) -> MetricNames:
    return MetricNames(confidence)


class MetricNames:
    def __init__(self, confidence: float) -> None:
        self.confidence = confidence

    def __call__(self, doc: Doc) -> Doc:
        for start, end in find_metric_mentions(text_of(doc)):
            add_candidate(doc, start, end, "Metric", EXTRACTOR, self.confidence)
        return doc
