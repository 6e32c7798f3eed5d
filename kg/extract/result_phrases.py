"""The words between a reported number and its metric, for kg/extract/results.py: which words may
stand between them ("17.52% absolute gains on F1@3", "FID of 1.28", "the peak GPU memory decreases
from 61.47 GB to 42.72 GB"), and metrics no list names, found by their head noun next to the number
("35% higher scaling rate", "an average Euclidean distance of 0.14").
"""

from __future__ import annotations

import re

from kg.extract.mentions import Mention, Span
from kg.extract.metrics import metric_phrase_after, metric_phrase_before
from kg.extract.numbers import Value
from kg.extract.result_links import BY_BEFORE

__all__ = ["CLAUSE_BREAK", "FILLER", "METRIC_TO_VALUE", "gap_to_value", "link_phrase", "metric_after"]

# Words allowed between a number and the metric that follows it ("17.52% absolute gains on F1@3").
FILLER = re.compile(
    r"\s*(?:absolute|relative|overall|average|avg\.?|mean|higher|lower|better"
    r"|improvements?|gains?|increases?|reductions?|drops?|declines?|decreases?"
    r"|boosts?|uplifts?|savings?|degradations?|in|on|for|the|total|faster"
    r"|of|training|inference|computational|compute|fewer|less|smaller|at"
    r"|an?|\}|model's)(?![\w-])",
    re.IGNORECASE,
)
# Between a metric and the number that follows it ("FID of 1.28", "F1-score reaches 64.38%").
METRIC_TO_VALUE = re.compile(
    r"\s*\)?\s*(?:(?:scores?|values?|results?"
    # whose it is, before the verb (before a bare "of", which would end the match there): "the
    # win rates of our model are 66%", "the accuracy of DeiT-S is 79.8%"
    r"|of\s+(?:(?:our|the|its|their|this)\s+)?[\w\-./]+(?:\s+[\w\-./]+)?\s+(?:is|are|was|were)(?![\w-])"
    r"|of|:|=|is|was|are|were|reaches|reached|reaching"
    r"|achieves|achieved|achieving|attains|attained|obtains|to|at|from|≈|<|>|≤|≥|around"
    r"|approximately|approx\.?|about|nearly|only|just|up\s+to|over|more\s+than|less\s+than"
    r"|under|below|above|between|~|record-low|record-high|new|an?|the|gains?|improvements?"
    r"|drops?|reductions?|increases?|\{|\(|,?\s*(?:i\.?e\.?|e\.?g\.?)\s*,"
    # the metric as the subject of a change: "the peak GPU memory decreases from 61.47 GB to …"
    r"|reduced|lowered|cut|improved|increased|decreas(?:es|ed)|dropped|falls|fell|improves|rises|rose"
    # where it was measured, between them: "top-1 accuracy on ImageNet-1K improves from 76.1% to …"
    r"|(?:on|in)\s+(?:the\s+)?[A-Z][\w\-.]*\w(?:\s+\d[\w×]*)?"
    r")\s*)*",
    re.IGNORECASE,
)
CLAUSE_BREAK = re.compile(r"[;:()]|,\s|\b(?:while|whereas|but|which)\b", re.IGNORECASE)


def metric_after(text: str, pos: int, metrics: list[Span]) -> Span | None:
    starts = {m[0]: m for m in metrics}
    for _ in range(4):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos in starts:
            return starts[pos]
        filler = FILLER.match(text, pos)
        if filler is None or filler.end() == pos:
            return None
        pos = filler.end()
    return None


_CLOSES = re.compile(r"\s*[),;]")


def gap_to_value(text: str, start: int, v: Value) -> bool:
    """Only METRIC_TO_VALUE's words lie between ``start`` (a metric's end) and ``v``; after a
    bracket the value must close it or a list in it: "top-1 accuracy (+2.1%)", never "100 FPS
    (30x faster than SD v1.5)"."""
    gap = METRIC_TO_VALUE.match(text, start, v.start)
    return gap is not None and gap.end() == v.start and ("(" not in gap.group() or bool(_CLOSES.match(text, v.end)))


_HEAD_WORD = re.compile(r"[A-Za-z][\w\-]*")
# "PLLaVA achieves a score of 3.48" on a benchmark the sentence names: the benchmark's own score
# (without one, a bare "score" says too little to be a metric)
_SCORE = re.compile(r"scores?", re.IGNORECASE)
_CHANGE_VERB = re.compile(r"\b(?:improv|reduc|decreas|lower|increas|boost|rais|cut)\w*", re.IGNORECASE)


def link_phrase(text: str, v: Value, prev_end: int, s0: int, s1: int, taken: list[Mention]) -> None:
    """A metric no list names, by its head noun next to the value: "35% higher scaling rate",
    "an average Euclidean distance of 0.14", "1.93times acceleration", or as what a verb changes
    "by" it: "improve the average CC distribution shift score between real and synthetic data by 5.9x"."""
    pos = v.end
    for _ in range(4):  # after the value, over the same filler words as _metric_after
        while pos < s1 and text[pos].isspace():
            pos += 1
        span = metric_phrase_after(text, pos, s1, v.unit == "x")
        if span is not None:
            pattern = "value_metric"
            break
        filler = FILLER.match(text, pos)
        if filler is None or filler.end() == pos:
            break
        pos = filler.end()
    else:
        span = None
    pattern = "value_metric"
    if span is None:  # before it: "<phrase> of 0.14"
        heads = [w for w in _HEAD_WORD.finditer(text, max(s0, prev_end), v.start)]
        for w in reversed(heads[-6:]):
            if gap_to_value(text, w.end(), v):
                span, pattern = metric_phrase_before(text, max(s0, prev_end), w.end()), "metric_value"
                if span is None and _SCORE.fullmatch(w.group()) and any(m[2] == "Dataset" for m in taken):
                    span = w.span()
                if span is not None:
                    break
            if not gap_to_value(text, w.start(), v):
                break  # past the gap's words ("of", "reaches"; "score" may be either)
    if span is None:
        span, pattern = _phrase_before_by(text, v, max(s0, prev_end)), "by_value"
    if span is None:
        return
    # A Dataset or Method named inside it is not part of the metric ("ImageNet top-1 accuracy"),
    # but a method a measure is named after is ("average Euclidean distance", "CLIP score").
    head = text.rfind(" ", span[0], span[1]) + 1
    inner = [
        e
        for s, e, label in taken
        if (span[0] <= s < span[1] or span[0] < e <= span[1]) and not (label == "Method" and span[0] <= s and e < head)
    ]
    if inner:
        start = max(inner)
        while start < span[1] and (not text[start].isalnum() or text[start - 1].isalnum() or text[start - 1] == "-"):
            start += 1  # to the next whole word: a mention ending inside "zero-shot" cuts no word
        if start >= span[1] or any(s < span[1] and span[1] <= e for s, e, _ in taken):
            return
        span = (start, span[1])
        if metric_phrase_after(text, span[0], span[1], v.unit == "x") != span:
            return
    v.metric, v.pattern, v.by_phrase = span, pattern, True


def _phrase_before_by(text: str, v: Value, start: int) -> Span | None:
    """The last head-noun metric between a change verb and the "by" right before ``v``, in one clause."""
    by = BY_BEFORE.search(text, max(start, v.start - 60), v.start)
    if by is None:
        return None
    start = max([start] + [b.end() for b in CLAUSE_BREAK.finditer(text, start, by.start())])
    verb = _CHANGE_VERB.search(text, start, by.start())
    if verb is None:
        return None
    for w in reversed(list(_HEAD_WORD.finditer(text, verb.end(), by.start()))):
        span = metric_phrase_before(text, verb.end(), w.end())
        if span is not None:
            return span
    return None
