"""Mention-level NER scores: exact-span precision, recall and F1 per type, and micro over types.

The standard scoring for SciERC/SciER entity extraction: a predicted mention counts only when
its start, end and type all equal a gold mention's. Texts are run through the pipeline in the
corpus's own (gold) tokenization, so tokenizer differences don't count against the model.
Only the labels a corpus annotates are scored (SciER has no Metric): predictions of other
labels are neither right nor wrong there.

A pipeline may carry a head trained on one corpus's convention (``kg_encoder_ner`` or
``kg_corpus_ner``, which write ``doc.spans[corpus]``, e.g. the shipped ``scierc_ner``): by
default that corpus is scored on it; ``head="main"`` scores ``doc.ents`` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.eval.corpora import ANNOTATED_LABELS, SCI_LABELS, NerExample, read_corpus

__all__ = [
    "HEADS",
    "describe_head",
    "entity_reader",
    "evaluate_ner",
    "format_scores",
    "predict_spans",
    "score_spans",
    "scored_head",
]

HEADS: tuple[str, ...] = ("auto", "main")

Span = tuple[int, int, str]


def score_spans(
    gold: Iterable[Iterable[Span]], predicted: Iterable[Iterable[Span]], labels: Iterable[str] = SCI_LABELS
) -> dict[str, dict[str, float]]:
    """Exact-match P/R/F1 per label and ``micro`` over ``labels``, from parallel span lists."""
    labels = tuple(labels)
    counts = {label: [0, 0, 0] for label in labels}  # tp, fp, fn
    for gold_spans, pred_spans in zip(gold, predicted, strict=True):
        g = {s for s in gold_spans if s[2] in counts}
        p = {s for s in pred_spans if s[2] in counts}
        for s in g & p:
            counts[s[2]][0] += 1
        for s in p - g:
            counts[s[2]][1] += 1
        for s in g - p:
            counts[s[2]][2] += 1
    scores = {label: _prf(*c) for label, c in counts.items()}
    scores["micro"] = _prf(*(sum(c[i] for c in counts.values()) for i in range(3)))
    return scores


def scored_head(nlp: Language, dataset: str, head: str = "auto") -> str | None:
    """The corpus head that ``head`` selects for ``dataset``, or None for ``doc.ents``.

    ``head="auto"``: the corpus head whose spans key is ``dataset``, if ``nlp`` has
    one (enabled or not); ``head="main"``: None.
    """
    if head not in HEADS:
        raise ValueError(f"unknown head {head!r}; expected one of {HEADS}")
    from kg.extract.corpus_ner import corpus_heads

    return corpus_heads(nlp).get(dataset) if head == "auto" else None


def describe_head(nlp: Language, dataset: str, head: str = "auto") -> str:
    name = scored_head(nlp, dataset, head)
    return "main head (doc.ents)" if name is None else f"{name} head (doc.spans[{dataset!r}])"


@contextmanager
def entity_reader(nlp: Language, dataset: str, head: str = "auto") -> Iterator[Callable[[Doc], Iterable[Any]]]:
    """A function doc → the entity spans to score for ``dataset``, with the selected corpus
    head (:func:`scored_head`) enabled for the duration."""
    name = scored_head(nlp, dataset, head)
    if name is None:
        yield lambda doc: doc.ents
        return
    was_disabled = name in nlp.disabled
    if was_disabled:
        nlp.enable_pipe(name)
    try:
        yield lambda doc: doc.spans.get(dataset, [])
    finally:
        if was_disabled:
            nlp.disable_pipe(name)


def predict_spans(
    nlp: Language,
    examples: list[NerExample],
    batch_size: int = 64,
    entities: Callable[[Doc], Iterable[Any]] = lambda doc: doc.ents,
) -> list[list[Span]]:
    """Run ``nlp`` on each example's gold words; return ``entities(doc)`` as token spans."""
    docs = (Doc(nlp.vocab, words=ex.words) for ex in examples)
    return [[(e.start, e.end, e.label_) for e in entities(doc)] for doc in nlp.pipe(docs, batch_size=batch_size)]


def evaluate_ner(
    nlp: Language, dataset: str, split: str, path: Path | None = None, limit: int | None = None, head: str = "auto"
) -> dict[str, dict[str, float]]:
    """Score ``nlp`` on ``dataset`` ("scierc" | "scier") ``split`` ("train" | "dev" | "test").

    ``path`` overrides the JSONL file (default ``../shared/data/<dataset>/<split>.jsonl``);
    ``limit`` scores only the first N texts (for smoke tests); ``head``: see
    :func:`scored_head`.
    Returns ``{label: {"p", "r", "f", "tp", "fp", "fn"}, ..., "micro": {...}}`` over the
    labels the dataset annotates.
    """
    examples = read_corpus(dataset, split, path)[:limit]
    labels = [label for label in SCI_LABELS if label in ANNOTATED_LABELS[dataset]]
    with entity_reader(nlp, dataset, head) as entities:
        predicted = predict_spans(nlp, examples, entities=entities)
    return score_spans([ex.spans for ex in examples], predicted, labels)


def format_scores(scores: dict[str, dict[str, Any]], title: str = "") -> str:
    """A plain-text table: one row per label, then micro."""
    lines = [title] if title else []
    lines.append(f"{'type':<8} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}")
    for label, s in scores.items():
        gold, pred = s["tp"] + s["fn"], s["tp"] + s["fp"]
        lines.append(f"{label:<8} {s['p']:6.3f} {s['r']:6.3f} {s['f']:6.3f} {gold:6d} {pred:6d}")
    return "\n".join(lines)


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "tp": tp, "fp": fp, "fn": fn}
