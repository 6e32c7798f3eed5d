"""Reported numbers: "the F1-score reaches 64.38%", "reduces the MSE … by 28.82%".

:func:`find_results` reads numbers with their units, drops the ones that are not results (years,
counts such as "15 datasets", sizes such as "7B", citations, resolutions such as "256x256"), and
keeps a number only when a pattern ties it to a metric named in the same sentence — a Metric
mention, else a name :mod:`kg.extract.metrics` recognises. A number with no named metric ("2x
faster inference") yields nothing: nothing is invented. Each result is a plain dict of spans
into ``text``; the paper assembler turns it into a :class:`kg.model.Result`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidates import extend
from kg.extract.mentions import Mention, Span, run_by_sentence
from kg.extract.metrics import find_cost_metrics, find_metric_names
from kg.extract.numbers import Value, read_values
from kg.extract.result_datasets import measured_on, respectively_datasets
from kg.extract.result_links import BY_BEFORE as _BY_BEFORE
from kg.extract.result_links import CHANGE_STEMS
from kg.extract.result_links import link_compared as _link_compared
from kg.extract.result_links import link_coordinated as _link_coordinated
from kg.extract.result_links import link_placeholder as _link_placeholder
from kg.extract.result_links import pair_slashed as _pair_slashed
from kg.extract.result_phrases import CLAUSE_BREAK as _CLAUSE_BREAK
from kg.extract.result_phrases import gap_to_value as _gap_to_value
from kg.extract.result_phrases import link_phrase as _link_phrase
from kg.extract.result_phrases import metric_after as _metric_after
from kg.extract.sentences import split_sentences
from kg.extract.subjects import clause_subject, finding_subject, own_method_subject

__all__ = ["find_results"]

_DIGIT = re.compile(r"\d")


# "the FID on ImageNet drops to 2.3", "reduces the error to 5%": the level reached, not a change
# ("improves accuracy by up to 5%" is one)
_TO_LEVEL = re.compile(
    r"(?<!\bup)\s+to\s+(?:only\s+|about\s+|around\s+|approximately\s+|nearly\s+|just\s+)?$", re.IGNORECASE
)
# "improving mean end-to-end latency up to 6.1%", "reduces FLOPs by over 37%": a change verb
# before the metric, then the value after it with at most a hedge between
_VERB_BEFORE_METRIC = re.compile(
    rf"\b(?P<verb>{CHANGE_STEMS})\w*\s+(?:(?:the|its|our|their|mean|average|overall)\s+)*(?:[\w-]+\s+){{0,2}}$",
    re.IGNORECASE,
)
# words that hedge a change's size: "by up to 5%", "over 37%"
_HEDGE = r"(?:up\s+to|over|more\s+than|about|approximately|around|nearly|roughly|almost)"
_HEDGE_GAP = re.compile(rf"\s*(?:by\s+)?{_HEDGE}\s*", re.IGNORECASE)
_VERB_DIRECTION = {
    "reduc": "down",
    "decreas": "down",
    "lower": "down",
    "cut": "down",
    "increas": "up",
    "boost": "up",
    "rais": "up",
}
_CHANGE_VERB_BEFORE = re.compile(rf"\b(?:{CHANGE_STEMS})\w*\s+(?:{_HEDGE}\s+)?$", re.IGNORECASE)
_FASTER_AFTER = re.compile(r"\s*(?:faster|quicker|speed-?ups?|acceleration)\b", re.IGNORECASE)
# "20 FPS …, being 158x faster than X": a rate such as FPS is no speed-up's metric
_SPEED_METRIC = re.compile(r"speed|throughput|latency", re.IGNORECASE)
_SPEEDUP = re.compile(r"speed-?ups?", re.IGNORECASE)
_UP_NOUN = re.compile(
    r"\s*(?:absolute\s+|relative\s+|average\s+)?(?:improvements?|gains?"
    r"|increases?|boosts?|uplifts?|higher|better|faster|more|speed-?ups?"
    r"|acceleration)\b",
    re.IGNORECASE,
)
_DOWN_NOUN = re.compile(
    r"\s*(?:absolute\s+|relative\s+|average\s+)?(?:reductions?|drops?"
    r"|declines?|decreases?|degradations?|savings?|lower|fewer|less|smaller)\b",
    re.IGNORECASE,
)
_UP_VERB = re.compile(
    r"\b(?:improv|increas|boost|rais|lift|outperform|surpass|exceed|beat"
    r"|enhanc|accelerat|speed|gain)\w*",
    re.IGNORECASE,
)
_DOWN_VERB = re.compile(
    r"\b(?:reduc|decreas|lower|cut|drop|declin|degrad|shrink|compress"
    r"|sav)\w*",
    re.IGNORECASE,
)
_CONFIDENCE = {
    "value_metric": 0.85,
    "metric_value": 0.85,
    "from_to": 0.85,
    "by_value": 0.8,
    "coordinated": 0.7,
    "faster": 0.7,
    "compared": 0.7,
    "phrase": 0.7,
    "parallel": 0.7,
}


def find_results(
    text: str, mentions: Sequence[Mention], *, sentences: Sequence[Span] | None = None
) -> list[dict[str, Any]]:
    """Numeric results stated in ``text``, in text order.

    ``mentions`` are typed (start, end, type) spans of ``text``; ``sentences`` (start, end)
    spans, by default :func:`split_sentences`. Each dict has the keys of
    :class:`kg.model.Result` as spans (metric, metric_name, value, value_text, value_span, unit,
    kind, direction, range_high, dataset, method, confidence) plus ``metric_mention`` (whether
    a Metric mention covers the metric), ``extractor`` and ``sentence``.
    """
    ms = sorted((m for m in mentions if m[1] > m[0]), key=lambda m: (m[0], -m[1]))
    out: list[dict[str, Any]] = []
    for s0, s1 in split_sentences(text) if sentences is None else sentences:
        if not _DIGIT.search(text, s0, s1):
            continue
        inside = [m for m in ms if m[0] >= s0 and m[1] <= s1]
        out.extend(_sentence_results(text, s0, s1, inside))
    return out


# What follows a metric's name inside a Method or Task mention that is no name of a thing but a
# misread result: "GPU memory reduction", "FID<1.5", "FID}~(nearly".
_MISREAD_TAIL = re.compile(
    r"\s*(?:(?:reductions?|savings?|improvements?|gains?|drops?|increases?|decreases?)\s*$|[<>=≤≥~{}(])",
    re.IGNORECASE,
)


def _misread_metric(text: str, m: Mention, names: list[Span]) -> bool:
    """A Method or Task mention that starts with a metric's name (one of ``names``) and goes on with
    a change noun or a comparison: the metric, and the number after it, are the sentence's."""
    return m[2] in ("Method", "Task") and any(
        s == m[0] and e < m[1] and _MISREAD_TAIL.match(text, e, m[1]) for s, e in names
    )


def _sentence_results(text: str, s0: int, s1: int, ms: list[Mention]) -> list[dict[str, Any]]:
    metric_mentions = [(m[0], m[1]) for m in ms if m[2] == "Metric"]
    names, costs = find_metric_names(text, s0, s1), find_cost_metrics(text, s0, s1)
    named = [m for m in ms if m[2] != "Metric" and not _misread_metric(text, m, names + costs)]
    others = [(m[0], m[1]) for m in named]
    metrics = sorted(
        metric_mentions + [n for n in names if not any(n[0] < e and s < n[1] for s, e in metric_mentions + others)]
    )
    metrics = sorted(metrics + [n for n in costs if not any(n[0] < e and s < n[1] for s, e in metrics + others)])
    values = [v for v in read_values(text, s0, s1) if not any(v.start < e and s < v.end for s, e in metrics + others)]
    if not values:
        return []
    for i, v in enumerate(values):
        prev_end = values[i - 1].end if i else s0
        _link(text, v, metrics, prev_end, s0)
        if v.metric is None:
            _link_phrase(text, v, prev_end, s0, s1, named)
    _link_coordinated(text, values)
    _pair_slashed(text, values, metrics)
    _link_compared(text, values)
    _link_coordinated(text, values)  # a list after a baseline's margin: "by 1.82/0.49"
    _link_placeholder(text, values)
    for v in values:
        if v.metric is None and v.unit == "x" and _FASTER_AFTER.match(text, v.end):
            speed = [m for m in metrics if _SPEED_METRIC.search(text, m[0], m[1])]
            if speed:
                v.metric = min(speed, key=lambda m: abs(m[0] - v.start))
                v.pattern = "faster"
    linked = [v for v in values if v.metric is not None]
    linked = [v for v in linked if not _is_setting(text, v, linked)]
    datasets = respectively_datasets(text, s1, linked, ms)
    out: list[dict[str, Any]] = []
    for v in linked:
        out.extend(_result_dicts(text, v, s0, s1, ms, datasets.get(v.start), v.metric in metric_mentions))
    return out


# "achieves 60.2% test accuracy on ResNet-18 with a 20% compression ratio of Tiny-ImageNet": the
# ratio after an earlier result of its clause is the setting that result was measured at, not a
# second result ("completes those tasks with an 80% optimal rate" is one)
_WITH_A = re.compile(r"\b(?:with|at|under)\s+an?\s+$", re.IGNORECASE)
_SETTING_RATIO = re.compile(
    r"\b(?:compression|mask(?:ing)?|sparsity|pruning|keep|retention|drop(?:out)?|sampling)\s+(?:ratio|rate)s?$",
    re.IGNORECASE,
)


def _is_setting(text: str, v: Value, linked: list[Value]) -> bool:
    assert v.metric is not None
    return (
        v.pattern == "value_metric"
        and _WITH_A.search(text, max(0, v.start - 12), v.start) is not None
        and _SETTING_RATIO.search(text, v.metric[0], v.metric[1]) is not None
        and any(o.start < v.start and ";" not in text[o.end : v.start] for o in linked if o is not v)
    )


def _link(text: str, v: Value, metrics: list[Span], prev_end: int, s0: int) -> None:
    """Tie ``v`` to a metric: right after it, right before it, or before a "by v"."""
    after = _metric_after(text, v.end, metrics)
    if after is not None:
        v.metric, v.pattern = after, "value_metric"
        return
    before = [m for m in metrics if m[1] <= v.start and m[0] >= prev_end]
    if before:
        m = before[-1]
        if _gap_to_value(text, m[1], v):
            v.metric, v.pattern = m, ("from_to" if v.from_value is not None else "metric_value")
            return
    by = _BY_BEFORE.search(text, max(prev_end, v.start - 60), v.start)
    if by is not None:
        clause_start = max([prev_end] + [b.end() for b in _CLAUSE_BREAK.finditer(text, max(s0, prev_end), by.start())])
        inside = [m for m in metrics if m[0] >= clause_start and m[1] <= by.start()]
        if inside:
            v.metric, v.pattern = inside[-1], "by_value"


_COST_HEAD = re.compile(
    r"\b(?:costs?|overhead|energy|memory|parameters|params|FLOPs?|MACs|storage|latency|time|count)$", re.IGNORECASE
)
_LESS_BEFORE = re.compile(r"\b(?:less|fewer|lower|smaller)\s+than\s+(?:only\s+)?$", re.IGNORECASE)


def _kind_direction(text: str, v: Value, s0: int) -> tuple[str, str | None]:
    """Absolute or relative, and for a change which way: from sign, "by", nouns and verbs."""
    if v.from_value is not None:  # "decreases from 61.47 GB to 42.72 GB": both values as they are
        return "absolute", None
    lead = v.source or v  # a coordinated value reads its cues where its list's metric is
    if _share_of(text, lead):  # "95.7% of the accuracy of BERT": a share of a baseline's
        return "relative", None
    assert lead.metric is not None
    group_start = v.group_start if v.group_start >= 0 else v.start
    after = [v.end, lead.end] + ([lead.metric[1]] if lead.metric[0] >= lead.end else [])
    gap = (lead.metric[1], min(group_start, lead.start)) if lead.metric[1] <= lead.start else None
    ups = [p for p in after if _UP_NOUN.match(text, p)]
    downs = [p for p in after if _DOWN_NOUN.match(text, p)]
    if gap is not None:
        ups += [m.end() for m in _UP_NOUN.finditer(text, *gap)]
        downs += [m.end() for m in _DOWN_NOUN.finditer(text, *gap)]
    by = (
        _BY_BEFORE.search(text, max(s0, group_start - 60), group_start) is not None
        or _CHANGE_VERB_BEFORE.search(text, max(s0, group_start - 40), group_start) is not None
    )
    speedup = v.unit == "x" and (
        _FASTER_AFTER.match(text, lead.end) is not None or _SPEEDUP.fullmatch(text[lead.metric[0] : lead.metric[1]])
    )
    if not (v.sign in ("+", "-") or by or ups or downs or speedup or v.unit in ("pp", "%p", "points", "x")):
        changed = _changed_metric(text, lead, s0)
        if changed is None and v.unit == "%" and _COST_HEAD.search(text, lead.metric[0], lead.metric[1]):
            # "with less than 15% communication cost": a percentage of a cost is a share of a baseline's
            less = _LESS_BEFORE.search(text, max(s0, group_start - 20), group_start)
            return "relative", "down" if less else None
        return ("relative", changed or None) if changed is not None else ("absolute", None)
    if not by and v.sign not in ("+", "-") and v.unit not in ("x", "pp", "%p", "points"):
        if _TO_LEVEL.search(text, max(s0, group_start - 30), group_start):
            return "absolute", None
    if v.sign in ("+", "-"):
        return "relative", "up" if v.sign == "+" else "down"
    if ups or downs:  # the noun nearest the number decides ("higher FLOPs reduction": down)
        return "relative", "up" if max(ups, default=-1) > max(downs, default=-1) else "down"
    if speedup:
        return "relative", "up"
    window = text[max(s0, group_start - 120) : group_start]
    up_verbs = [m.end() for m in _UP_VERB.finditer(window)]
    down_verbs = [m.end() for m in _DOWN_VERB.finditer(window)]
    if up_verbs or down_verbs:
        return "relative", ("up" if max(up_verbs, default=-1) > max(down_verbs, default=-1) else "down")
    return "relative", None


_OF_THE = re.compile(r"\s*of\s+(?:the\s+|its\s+)?(?:model's\s+)?")
_OF = re.compile(r"\s+of\b")


# "reduces decoding steps to just 14.2% of the original requirement"
_OF_THE_ORIGINAL = re.compile(r"\s*of\s+(?:the|its|their)\s+(?:original|baseline|full|vanilla|dense)\b", re.IGNORECASE)


def _share_of(text: str, lead: Value) -> bool:
    """ "achieves 95.7% of the accuracy of BERT", "to 14.2% of the original": the value is a
    share of another's score."""
    assert lead.metric is not None
    if lead.unit == "%" and _OF_THE_ORIGINAL.match(text, lead.end):
        return True
    m0, m1 = lead.metric
    return m0 >= lead.end and _OF_THE.fullmatch(text, lead.end, m0) is not None and _OF.match(text, m1) is not None


def _changed_metric(text: str, lead: Value, s0: int) -> str | None:
    """ "improving mean end-to-end latency up to 6.1%": the direction the verb before the metric
    names ("" when it names none: "improve" is up for accuracy, down for latency), else None."""
    assert lead.metric is not None
    m0, m1 = lead.metric
    if m1 > lead.start or _HEDGE_GAP.fullmatch(text, m1, lead.start) is None:
        return None
    verb = _VERB_BEFORE_METRIC.search(text, max(s0, m0 - 60), m0)
    if verb is None:
        return None
    return _VERB_DIRECTION.get(verb.group("verb").lower(), "")


def _result_dicts(
    text: str, v: Value, s0: int, s1: int, ms: list[Mention], dataset: Span | None, metric_mention: bool
) -> list[dict[str, Any]]:
    assert v.metric is not None
    kind, direction = _kind_direction(text, v, s0)
    # a metric borrowed from another result of the sentence does not move where this one was measured
    borrowed = v.pattern in ("compared", "parallel")
    anchor = max(v.end, v.metric[1]) if v.metric[0] >= v.start and not borrowed else v.end
    if dataset is None:
        dataset = measured_on(text, v.start, anchor, s0, s1, ms)
    method = clause_subject(text, ms, v.start, s0) or finding_subject(text, ms, v.end, s1)
    if v.pattern == "metric_value":  # "the accuracy of DeiT-S is 79.8%": whose it is, in between
        method = next((m for m in ms if m[2] == "Method" and v.metric[1] <= m[0] and m[1] <= v.start), method)
    if v.pattern == "compared":  # "surpassing Spikformer (74.81%)": the score is Spikformer's
        method = next((m for m in ms if m[2] == "Method" and re.fullmatch(r"\s*\(\s*", text[m[1] : v.start])), method)
    # "Our method reaches 1.78 FID": the paper's own method, which the paper-level assembly knows
    by_own_method = method is None and v.pattern != "compared" and own_method_subject(text, v.start, s0)
    base: dict[str, Any] = {
        "metric": v.metric,
        "metric_name": text[v.metric[0] : v.metric[1]],
        "unit": v.unit,
        "dataset": dataset,
        "method": (method[0], method[1]) if method else None,
        "by_own_method": by_own_method,
        "confidence": _CONFIDENCE[v.pattern] - (0.1 if v.by_phrase else 0.0),
        "metric_mention": metric_mention,
        "extractor": f"rule:results:{v.pattern}",
        "sentence": (s0, s1),
    }
    sign = v.sign if v.sign in ("+", "-") else ""
    value = -v.value if sign == "-" and kind == "absolute" else v.value
    out = [
        {
            **base,
            "value": value,
            "value_text": text[v.num_start if v.from_value is not None else v.start : v.end].strip(),
            "value_span": (v.num_start if v.from_value is not None else v.start, v.end),
            "kind": kind,
            "direction": direction,
            "range_high": v.range_high,
        }
    ]
    if v.range_high is not None and v.high_start >= 0:  # "8 to 10 times": both ends reported
        out.append(
            {
                **out[0],
                "value": -v.range_high if value < 0 else v.range_high,
                "value_text": text[v.high_start : v.end].strip(),
                "value_span": (v.high_start, v.end),
                "range_high": None,
            }
        )
    if v.from_value is not None:
        # "reducing gFID from 6.18 to 1.61": 6.18 is reported too, as written (GUIDELINES.md: the
        # value is the number as written, never a difference computed here), and it is the value
        # before, so no method of the sentence's.
        head = text[v.start : v.num_start]
        from_text = head[: head.rfind("to")].strip()
        out.insert(
            0,
            {
                **base,
                "value": v.from_value,
                "value_text": from_text,
                "value_span": (v.start, v.start + len(from_text)),
                "kind": "absolute",
                "direction": None,
                "range_high": None,
                "method": None,
                "confidence": base["confidence"] - 0.1,
            },
        )
    return out


# --- spaCy component -------------------------------------------------------------------------

_SPANS = ("metric", "value_span", "dataset", "method")


@Language.factory(
    "kg_results", assigns=["doc._.kg_results"], requires=["doc._.kg_candidates"], default_config={"min_confidence": 0.0}
)
def make_results(nlp: Language, name: str, min_confidence: float) -> Callable[[Doc], Doc]:
    """Append :func:`find_results` dicts (char offsets into doc.text) to ``doc._.kg_results``,
    tied to the Doc's mentions (kg/extract/mentions.py)."""

    def results(doc: Doc) -> Doc:
        extend(
            doc, "kg_results", run_by_sentence(doc, find_results, _SPANS, min_mentions=0, min_confidence=min_confidence)
        )
        return doc

    return results
