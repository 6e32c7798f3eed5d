"""Where a reported number was measured, for kg/extract/results.py: the dataset the sentence
names next to it ("45.3 mAP on COCO", "on ImageNet-1K, X achieves 82.1%", "PASCAL VOC (+3.6%
mIoU)"), or one dataset per value ("… on ImageNet-1K, ADE20K and COCO respectively").
"""

from __future__ import annotations

import re
from itertools import pairwise

from kg.extract.mentions import Mention, Span
from kg.extract.numbers import Value
from kg.extract.spans import is_hardware

__all__ = ["measured_on", "only_dataset", "respectively_datasets"]

_ON_AFTER = re.compile(
    r"\s*(?:\)\s*)?(?:,\s*)?(?:respectively\s+)?(?:on|in|across|over|for)\s+"
    r"(?:the\s+)?",
    re.IGNORECASE,
)
_NAME_BY = re.compile(r"\s+by\s+(?:up\s+to\s+|about\s+|over\s+)?")
_ON_BEFORE = re.compile(r"\b(?:on|in|across|over)\s+(?:the\s+)?$", re.IGNORECASE)
# "For ImageNet 256×256, our DDT-XL/2 achieves … 1.31 FID", "On the latest multi-choice benchmark
# MVBench, PLLaVA achieves 58.1% accuracy": a sentence that opens on a dataset sets it for its results
_THEN_COMMA = re.compile(r"(?:\s+[\w×-]+)?\s*,")  # a version or resolution may follow the name
_OPENS_ON = re.compile(r"\s*(?:for|on|in)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}", re.IGNORECASE)
_NAME_AFTER_ON = re.compile(r"[A-Z][\w\-.]*\w(?:\s+(?:[A-Z][\w\-.]*\w|\d+(?![\w.])))*")
# words that open a sentence or a list, not a name ("On Average, …", "on All tasks")
_NOT_A_NAME = frozenset({"Average", "All", "Both", "This", "These", "The", "Our", "It"})


def measured_on(text: str, start: int, anchor: int, s0: int, s1: int, ms: list[Mention]) -> Span | None:
    """The dataset a value was measured on: "… on D" right after it, else "on D, …" before."""
    on = _ON_AFTER.match(text, anchor, s1)
    if on is not None:
        d = next((m for m in ms if m[0] == on.end()), None)
        if d is not None and d[2] == "Dataset":
            return (d[0], d[1])
        if d is not None and d[2] == "Metric":
            return None  # "1% relative error in perplexity and LongBench scores": no place
        # No mention there: a capitalised name after "on"/"in" ("45.3 mAP on COCO"), never
        # after "for" ("by 45% for DeiT-S" names a model).
        if d is None and not re.search(r"\bfor\s+(?:the\s+)?$", on.group(0), re.IGNORECASE):
            name = _NAME_AFTER_ON.match(text, on.end(), s1)
            if name is not None and name.group(0).split()[0] not in _NOT_A_NAME and not is_hardware(name.group(0)):
                return name.span()
        # else a model or a task is there ("60.2% test accuracy on ResNet-18 … of Tiny-ImageNet",
        # "1.96 for class-conditional generation"): the sentence names the dataset elsewhere
    # "… on CityScapes-C by 2.4% and ACDC by 3.1%": the dataset right before "by"
    by = next((m for m in ms if m[2] == "Dataset" and _NAME_BY.fullmatch(text, m[1], start)), None)
    if by is not None:
        return (by[0], by[1])
    before = [
        m
        for m in ms
        if m[2] == "Dataset"
        and m[1] <= start
        and not _trained_on(text, s0, m)
        and (
            _ON_BEFORE.search(text, max(s0, m[0] - 16), m[0])
            or (_OPENS_ON.fullmatch(text, s0, m[0]) is not None and _THEN_COMMA.match(text, m[1]) is not None)
        )
    ]
    if before:
        return (before[-1][0], before[-1][1])
    paren = text.rfind("(", s0, start)
    if paren >= 0 and ")" not in text[paren:start]:  # "PASCAL VOC (+3.6%, +1.5% mIoU)"
        d = next((m for m in ms if m[2] == "Dataset" and not text[m[1] : paren].strip()), None)
        if d is not None:
            return (d[0], d[1])
    return only_dataset(text, s0, s1, ms)


# "… pre-trained on X": a pretraining corpus, not where the numbers were measured ("training on
# ImageNet" is: the guidelines count results of training from scratch on the dataset)
_TRAINED_ON = re.compile(r"\bpre-?train(?:ed|ing)\s+(?:\w+\s+){0,2}(?:on|with)\s+(?:the\s+)?$", re.IGNORECASE)


def _trained_on(text: str, s0: int, m: Mention) -> bool:
    return _TRAINED_ON.search(text, max(s0, m[0] - 40), m[0]) is not None


_SHORT_FORM_AFTER = re.compile(r"\s*\(\s*")


def only_dataset(text: str, s0: int, s1: int, ms: list[Mention]) -> Span | None:
    """The one dataset a sentence names, wherever it stands ("an FID of 1.70 … for class-conditional
    ImageNet generation", "FID<1.5 in 200 epochs … on ImageNet 256×256"): the gold's guidelines
    give a result the dataset its sentence says. Two names, or one only trained on, give none."""
    named = [m for m in ms if m[2] == "Dataset" and s0 <= m[0] < s1]
    # "the Massive Text Embedding Benchmark (MTEB)": a name and its short form are one dataset
    named = [m for i, m in enumerate(named) if not (i and _SHORT_FORM_AFTER.fullmatch(text, named[i - 1][1], m[0]))]
    if len({text[m[0] : m[1]].lower() for m in named}) != 1:
        return None
    if any(_trained_on(text, s0, m) for m in named):
        return None
    return (named[0][0], named[0][1])


# between two names of one list: "A, B, and C", "A and B"
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|(?:and|or)\s+)")


def respectively_datasets(text: str, s1: int, values: list[Value], ms: list[Mention]) -> dict[int, Span]:
    """ "+0.3% accuracy, +1.7 mIoU and +0.9 AP on ImageNet-1K, ADE20K and COCO respectively", or
    the list before the values: "on WMT14 English-German and English-French, reaching 29.1 and 41.2
    BLEU, respectively"."""
    if len(values) < 2 or "respectively" not in text[values[0].start : s1]:
        return {}
    tail = max(values[-1].end, values[-1].metric[1] if values[-1].metric else 0)
    datasets = [(m[0], m[1]) for m in ms if m[2] == "Dataset" and m[0] >= tail]
    if not datasets:
        before = [(m[0], m[1]) for m in ms if m[2] == "Dataset" and m[1] <= values[0].start][-len(values) :]
        listed = all(_LIST_GAP.fullmatch(text, a[1], b[0]) for a, b in pairwise(before))
        datasets = before if listed else []
    if len(datasets) != len(values):
        return {}
    return {v.start: d for v, d in zip(values, datasets, strict=True)}
