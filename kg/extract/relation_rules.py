"""High-precision lexical patterns for entity–entity relations inside one sentence.

Input: the text and typed mention spans already found (char offsets, type). Output: plain dicts
``{"type", "head", "tail", "confidence", "extractor", "sentence"}`` where head/tail are spans of
``text`` and ``type`` is one of :data:`kg.schema.ENTITY_RELATIONS` allowed for the two types.
Each pattern names itself in ``extractor`` ("rule:outperforms", …) so its precision can be
measured on gold data and its confidence tuned. Recall is the learned model's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidates import extend
from kg.extract.mentions import Mention, Span, run_by_sentence
from kg.extract.sentences import split_sentences
from kg.extract.subjects import CLAUSE_BREAK, SUBJECT_GAP, clause_subject
from kg.schema import SCIENTIFIC_TYPES, allowed

__all__ = ["find_relations", "Mention"]

_OUTPERFORM = re.compile(
    r"\b(?:outperform|out-perform|surpass|beat|exceed)(?P<ing>ing)?\w*\b"
    r"|\b(?:is|are)\s+superior\s+to\b|\bperforms?\s+better\s+than\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(?:compared\s+(?:with|to|against)|in\s+comparison\s+(?:with|to)"
    r"|comparisons?\s+(?:with|to|against))\b",
    re.IGNORECASE,
)
_VERSUS = re.compile(r"^\s*(?:vs\.?|versus)\s+(?:the\s+)?$", re.IGNORECASE)
_ON_BEFORE = re.compile(r"\b(?:on|in|across|over)\s+(?:the\s+)?(?:[\w\-]+\s+){0,3}$", re.IGNORECASE)
_TRAINED_BEFORE = re.compile(
    r"\b(?:pre-?trained|trained|fine-?tuned|finetuned|learned)\s+"
    r"(?:\w+ly\s+|only\s+|solely\s+)?on\s+(?:the\s+)?(?:[\w\-]+\s+){0,2}$",
    re.IGNORECASE,
)
_TRAINED_HEAD_GAP = re.compile(
    r"^\s*(?:,\s*)?(?:(?:is|are|was|were|being|model|models|when"
    r"|\w+ly|first|then|further)\s+)*$",
    re.IGNORECASE,
)
_TRAINING_OF = re.compile(
    r"\b(?:training|fine-?tuning|finetuning|pre-?training)\s+(?:the\s+|a\s+"
    r"|an\s+|our\s+)?$",
    re.IGNORECASE,
)
_ON_GAP = re.compile(r"^\s+on\s+(?:the\s+)?$", re.IGNORECASE)
_EVALUATE = re.compile(r"\b(?:evaluat|test|validat|benchmark)(?:e|es|ed|ing)\s+(?:the\s+|our\s+)?$", re.IGNORECASE)
_EVALUATED_AFTER = re.compile(
    r"^\s*(?:is|are|was|were|has\s+been|have\s+been)\s+(?:\w+ly\s+)?"
    r"(?:evaluated|tested|validated|benchmarked)\s+on\s+(?:the\s+)?"
    r"(?:[\w\-]+\s+){0,2}$",
    re.IGNORECASE,
)
_FOR_GAP = re.compile(
    r"^\s*(?:,\s*)?(?:(?:is|are|was|were|can\s+be|has\s+been|have\s+been)\s+)?"
    r"(?:(?:\w+ly)\s+)?(?:(?:used|applied|designed|tailored|employed|proposed"
    r"|developed|trained|optimized|built)\s+)?for\s+(?:the\s+)?(?:task\s+of\s+)?$"
    r"|^\s*(?:(?:is|are|was|were|can\s+be)\s+)?(?:\w+ly\s+)?(?:used|applied)\s+"
    r"to\s+(?:the\s+)?(?:task\s+of\s+)?$",
    re.IGNORECASE,
)
_BENCHMARK_GAP = re.compile(
    r"^\s*(?:,\s*|\(\s*|\s+(?:is|was)\s+)?(?:an?\s+|the\s+)?"
    r"(?:[\w\-]+\s+){0,3}?(?:benchmark|dataset|testbed|corpus|suite)s?"
    r"\s+(?:for|on)\s+(?:the\s+)?(?:task\s+of\s+)?(?:evaluating\s+)?$",
    re.IGNORECASE,
)
_VARIANT_GAP = re.compile(
    r"^\s*(?:\([^()]{1,20}\)\s*)?(?:,|\(|\s(?:is|are|was))\s*(?:which\s+is\s+)?an?\s+"
    r"(?:[\w\-]+\s+){0,2}?(?:variant|version|extension|modification"
    r"|adaptation|derivative|subset|instantiation|refinement)\s+of\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
_HYPONYM_GAP = re.compile(
    r"^\s*(?:\([^()]{1,20}\)\s*)?(?:,\s*|\(\s*)?(?:such\s+as|including|e\.g\.|like|especially"
    r"|particularly|namely|for\s+example|for\s+instance)\s*,?\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(
    r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/|&\s*|as\s+well\s+as\s+)"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
# Between two objects of one verb: a list separator, possibly after "by 5.4%" ("LoRA by 5.4% and DoRA").
_OBJECT_LIST_GAP = re.compile(
    r"^(?:\s*(?:\([^()]{0,40}\)|by\s+[^\s,;]+)?\s*(?:,\s*(?:and\s+|or\s+)?"
    r"|and\s+|or\s+|/|as\s+well\s+as\s+)(?:the\s+)?)$",
    re.IGNORECASE,
)
_MAX_OBJECT_GAP = 60


def find_relations(
    text: str, mentions: Sequence[Mention], *, sentences: Sequence[Span] | None = None
) -> list[dict[str, Any]]:
    """Entity–entity relations between ``mentions`` stated in ``text``, one dict each.

    ``sentences`` are (start, end) spans of ``text``; by default :func:`split_sentences`.
    A pair is never related across sentences. Duplicates keep the highest confidence.
    """
    ms = _clean(mentions)
    found: dict[tuple[str, Span, Span], dict[str, Any]] = {}
    for s0, s1 in split_sentences(text) if sentences is None else sentences:
        inside = [m for m in ms if m[0] >= s0 and m[1] <= s1]
        if len(inside) < 2:
            continue
        for rel in _sentence_relations(text, s0, s1, inside):
            if rel is None:
                continue
            key = (rel["type"], rel["head"], rel["tail"])
            if key not in found or found[key]["confidence"] < rel["confidence"]:
                found[key] = rel
    return sorted(found.values(), key=lambda r: (r["head"], r["tail"], r["type"]))


def _clean(mentions: Sequence[Mention]) -> list[Mention]:
    """Scientific mentions, sorted, longest first where two overlap (the shorter is dropped)."""
    kept: list[Mention] = []
    for m in sorted(
        (m for m in mentions if m[2] in SCIENTIFIC_TYPES and m[1] > m[0]), key=lambda m: (m[0], m[0] - m[1])
    ):
        if kept and m[0] < kept[-1][1]:
            continue
        kept.append(m)
    return kept


def _rel(
    rel: str, head: Mention, tail: Mention, confidence: float, pattern: str, sentence: Span
) -> dict[str, Any] | None:
    if head[:2] == tail[:2] or not allowed(rel, head[2], tail[2]):
        return None
    return {
        "type": rel,
        "head": (head[0], head[1]),
        "tail": (tail[0], tail[1]),
        "confidence": confidence,
        "extractor": f"rule:{pattern}",
        "sentence": sentence,
    }


def _objects(text: str, ms: Sequence[Mention], pos: int, end: int, type_: str) -> list[Mention]:
    """Mentions of ``type_`` right after ``pos``: the first within reach, then a list of them."""
    out: list[Mention] = []
    for m in ms:
        if m[0] < pos or m[1] > end:
            continue
        if m[2] != type_:
            if out:
                break
            continue
        last = out[-1][1] if out else pos
        gap = text[last : m[0]]
        if not out:
            if len(gap) > _MAX_OBJECT_GAP or CLAUSE_BREAK.search(gap) or "," in gap:
                break
        elif _OBJECT_LIST_GAP.match(gap) is None:
            break
        out.append(m)
    return out


def _sentence_relations(text: str, s0: int, s1: int, ms: list[Mention]) -> Iterable[dict[str, Any] | None]:
    sent = (s0, s1)
    yield from _outperforms(text, s0, s1, ms, sent)
    yield from _compared(text, s0, s1, ms, sent)
    yield from _evaluated_and_trained(text, s0, ms, sent)
    for a, b in pairwise(ms):
        gap = text[a[1] : b[0]]
        if b[2] == "Task" and a[2] == "Dataset" and _BENCHMARK_GAP.match(gap):
            yield _rel("BENCHMARK_FOR", a, b, 0.85, "benchmark_for", sent)
        elif b[2] == "Task" and _FOR_GAP.match(gap):
            if a[2] == "Dataset":
                yield _rel("BENCHMARK_FOR", a, b, 0.7, "dataset_for_task", sent)
            else:
                yield _rel("USED_FOR", a, b, 0.75, "x_for_task", sent)
        elif a[2] == b[2] and _VARIANT_GAP.match(gap):
            yield _rel("VARIANT_OF", a, b, 0.85, "variant_of", sent)
        elif _LIST_GAP.match(gap) and a[2] == b[2]:
            yield _rel("CONJUNCTION", a, b, 0.4, "conjunction", sent)
    for i, general in enumerate(ms):
        nxt = ms[i + 1] if i + 1 < len(ms) else None
        if nxt is None or _HYPONYM_GAP.match(text[general[1] : nxt[0]]) is None:
            continue
        for kind in _objects(text, ms, general[1], s1, general[2]):
            yield _rel("HYPONYM_OF", kind, general, 0.75, "such_as", sent)


def _outperforms(text: str, s0: int, s1: int, ms: list[Mention], sent: Span) -> Iterable[dict[str, Any] | None]:
    for t in _OUTPERFORM.finditer(text, s0, s1):
        head = clause_subject(text, ms, t.end(), s0)
        if head is None:
            continue
        for tail in _objects(text, ms, t.end(), s1, "Method"):
            yield _rel("OUTPERFORMS", head, tail, 0.85, "outperforms", sent)


def _compared(text: str, s0: int, s1: int, ms: list[Mention], sent: Span) -> Iterable[dict[str, Any] | None]:
    for t in _COMPARE.finditer(text, s0, s1):
        head = clause_subject(text, ms, t.start(), s0)
        if head is None:  # "the proposed X compared with Y"
            head = next(
                (
                    m
                    for m in reversed(ms)
                    if m[1] <= t.start()
                    and m[2] == "Method"
                    and re.fullmatch(r"\s*,?\s*(?:\w+ly\s+)?", text[m[1] : t.start()])
                ),
                None,
            )
        if head is None:  # "Compared with Y, X achieves …": the subject follows
            tails = _objects(text, ms, t.end(), s1, "Method")
            after = tails[-1][1] if tails else t.end()
            head = next(
                (m for m in ms if m[0] >= after and m[2] == "Method" and SUBJECT_GAP.match(text, m[1], s1)), None
            )
            if head is None:
                continue
        for tail in _objects(text, ms, t.end(), s1, "Method"):
            yield _rel("COMPARED_WITH", head, tail, 0.75, "compared_with", sent)
    for a, b in pairwise(ms):
        if a[2] == b[2] == "Method" and _VERSUS.match(text[a[1] : b[0]]):
            yield _rel("COMPARED_WITH", a, b, 0.8, "versus", sent)


def _evaluated_and_trained(text: str, s0: int, ms: list[Mention], sent: Span) -> Iterable[dict[str, Any] | None]:
    methods = [m for m in ms if m[2] == "Method"]
    previous: tuple[Mention, dict[str, Any]] | None = None  # "on D1, D2 and D3": one head for all
    for d in (m for m in ms if m[2] == "Dataset"):
        if previous is not None and _LIST_GAP.match(text[previous[0][1] : d[0]]):
            rel = _rel(
                previous[1]["type"],
                _mention_at(ms, previous[1]["head"]),
                d,
                previous[1]["confidence"],
                previous[1]["extractor"][5:],
                sent,
            )
            if rel is not None:
                yield rel
                previous = (d, rel)
                continue
        previous = None
        for rel in _dataset_relations(text, s0, ms, methods, d, sent):
            if rel is not None:
                previous = (d, rel)
            yield rel


def _mention_at(ms: list[Mention], span: Span) -> Mention:
    return next(m for m in ms if (m[0], m[1]) == span)


def _dataset_relations(
    text: str, s0: int, ms: list[Mention], methods: list[Mention], d: Mention, sent: Span
) -> Iterable[dict[str, Any] | None]:
    """TRAINED_WITH or EVALUATED_ON for one Dataset mention: at most one relation."""
    window = max(s0, d[0] - 60)
    trained = _TRAINED_BEFORE.search(text, window, d[0])
    if trained is not None:
        head = next(
            (
                m
                for m in reversed(methods)
                if m[1] <= trained.start() and _TRAINED_HEAD_GAP.match(text[m[1] : trained.start()])
            ),
            None,
        )
        if head is not None:
            yield _rel("TRAINED_WITH", head, d, 0.8, "trained_on", sent)
        return
    for m in methods:
        if m[1] > d[0]:
            break
        gap = text[m[1] : d[0]]
        before = text[max(s0, m[0] - 30) : m[0]]
        if _ON_GAP.match(gap) and _TRAINING_OF.search(before):
            yield _rel("TRAINED_WITH", m, d, 0.75, "training_x_on", sent)
            return
        if _ON_GAP.match(gap) and _EVALUATE.search(before):
            yield _rel("EVALUATED_ON", m, d, 0.85, "evaluate_x_on", sent)
            return
        if _EVALUATED_AFTER.match(gap):
            yield _rel("EVALUATED_ON", m, d, 0.85, "x_evaluated_on", sent)
            return
    if not _ON_BEFORE.search(text, window, d[0]):
        return
    head = clause_subject(text, ms, d[0], s0)
    if head is None:  # "On Y, X achieves …" / "Experiments on Y show that X …"
        head = next(
            (
                m
                for m in methods
                if m[0] >= d[1]
                and not CLAUSE_BREAK.search(text, d[1], m[0])
                and SUBJECT_GAP.match(text, m[1], len(text))
            ),
            None,
        )
    if head is not None:
        yield _rel("EVALUATED_ON", head, d, 0.7, "x_achieves_on", sent)


# --- spaCy component -------------------------------------------------------------------------


@Language.factory(
    "kg_relation_rules",
    assigns=["doc._.kg_relations"],
    requires=["doc._.kg_candidates"],
    default_config={"min_confidence": 0.0},
)
def make_relation_rules(nlp: Language, name: str, min_confidence: float) -> Callable[[Doc], Doc]:
    """Append :func:`find_relations` dicts (char offsets into doc.text) to ``doc._.kg_relations``,
    between the Doc's mentions (kg/extract/mentions.py)."""

    def relation_rules(doc: Doc) -> Doc:
        extend(
            doc,
            "kg_relations",
            run_by_sentence(doc, find_relations, ("head", "tail"), min_mentions=2, min_confidence=min_confidence),
        )
        return doc

    return relation_rules
