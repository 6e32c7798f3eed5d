"""Numbers tied to each other rather than to a metric: a baseline's score in a comparison
("surpassing Spikformer (74.81%) by +7.58%"), a parallel clause ("X reaches 84.2%, while Y
reaches 85.2%"), and coordinated values that share one metric ("76.73%, 74.81% and 7.58% top-1
accuracy"). kg/extract/results.py ties numbers to metrics and calls these after."""

from __future__ import annotations

import re

from kg.extract.numbers import Value

BY_BEFORE = re.compile(
    r"\bby\s+(?:(?:up\s+to|over|more\s+than|as\s+much\s+as|about|approximately|approx\.?"
    r"|around|nearly|roughly|almost|at\s+least|an?\s+average\s+of|average"
    r"|an?\s+(?:large\s+)?margin\s+of|~)\s*)*$",
    re.IGNORECASE,
)
# "reduces over 37% FLOPs": a change verb right before the number makes it a change.

_COORDINATED = re.compile(r"^\s*\)?\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/)\s*\(?$")
# "an FID of 2.06 for unconditional generation and 1.96 for class-conditional generation", "84.7
# mIoU on S4 and 60.2 on MS3": each value with the setting it was measured in, one metric.
_COORDINATED_SETTING = re.compile(
    r"^\s*(?:on|for|in|at|with)\s+(?:the\s+)?(?:[A-Za-z][\w\-.'/]*\s+){0,5}[A-Za-z][\w\-.'/]*\s*"
    r"(?:,\s*(?:and\s+)?|and\s+)(?:up\s+to\s+|about\s+|over\s+|nearly\s+)?$"
)
# "improve robustness on CityScapes-C by 2.4% and ACDC by 3.1%": the same change on a named setting
_BY_IN_SETTING = re.compile(r"\s*,?\s*and\s+(?:the\s+)?(?=[\w\-.']*[A-Z0-9])[\w\-.']+(?:\s+[\w\-.']+)?\s+by\s+")
_NOT_SETTING = re.compile(r"\b(?:while|whereas|but|which|than|compared|respectively)\b", re.IGNORECASE)
# "58.1% accuracy on average across 20 sub-tasks, 14.5% higher than GPT4V": a margin over a baseline
_HIGHER_THAN_AFTER = re.compile(
    r"\s*(?:higher|lower|better|worse|more|less|greater|smaller|faster|slower)\s+than\b", re.IGNORECASE
)

_COMPARED_BEFORE = re.compile(
    r"\b(?:(?:than|compared\s+(?:to|with)|versus|vs\.?|against)\s+(?:the\s+|only\s+|just\s+)?"
    # "surpassing Spikformer (74.81%, 66.34M)": the baseline's own score
    r"|(?:surpass|outperform|exceed|beat)\w*\s+(?:[\w\-.+/]+\s+){0,2}[\w\-.+/]+\s*\(\s*)$",
    re.IGNORECASE,
)
_COMPARE_VERB = re.compile(r"\b(?:surpass|outperform|exceed|beat)\w*", re.IGNORECASE)
# "SVT-H-S reaches 84.2% top-1 accuracy, while SVT-H-B reaches 85.2%": the same verb, the same metric
_PARALLEL_VERB = re.compile(r"\b(reach|achiev|attain|obtain|scor)\w*\s+(?:an?\s+|only\s+)?$", re.IGNORECASE)
_OTHER_CLAUSE = re.compile(r";|\b(?:while|whereas|but|which)\b", re.IGNORECASE)
_SAME_SCALE = {"%": ("%", "pp", "%p", "points"), None: (None, "points")}


def link_compared(text: str, values: list[Value]) -> None:
    """A number that names no metric shares the metric of the result before it in the sentence
    when it is compared with it: "reaches 64.38%, significantly higher than 44.76%",
    "attains 82.39% top-1 accuracy, surpassing Spikformer (74.81%) by +7.58%", or stated the
    same way: "X reaches 84.2% top-1 accuracy, while Y reaches 85.2%"."""
    for i, v in enumerate(values):
        if v.metric is not None:
            continue
        prev = next(
            (p for p in reversed(values[:i]) if p.metric is not None and p.pattern not in ("compared", "parallel")),
            None,
        )
        if prev is None or v.unit not in _SAME_SCALE.get(prev.unit, (prev.unit,)):
            continue
        between = text[prev.end : v.start]
        if _HIGHER_THAN_AFTER.match(text, v.end) and prev.unit == v.unit and not _OTHER_CLAUSE.search(between):
            v.metric, v.pattern, v.source = prev.metric, "compared", prev
        elif _COMPARED_BEFORE.search(text, max(0, v.start - 60), v.start) and (
            prev.unit == v.unit or "(" not in text[v.start - 3 : v.start]
        ):
            v.metric, v.pattern, v.source = prev.metric, "compared", prev
        elif (
            BY_BEFORE.search(text, max(0, v.start - 40), v.start)
            and (_COMPARE_VERB.search(between) or _compared_again(text, prev, v))
            and not _OTHER_CLAUSE.search(between)
            and not _CHANGE.search(between)  # "…, outperforming Y, and reduces cost by 30%": another measure
        ):
            v.metric, v.pattern, v.source = prev.metric, "compared", prev
        else:
            here = _PARALLEL_VERB.search(text, max(0, v.start - 30), v.start)
            there = _PARALLEL_VERB.search(text, max(0, prev.start - 30), prev.start)
            if here and there and here.group(1).lower() == there.group(1).lower() and prev.unit == v.unit:
                v.metric, v.pattern, v.source = prev.metric, "parallel", prev


# "lowers performance to 76.73% on Cifar-100, whereas … pushes the top-1 accuracy to 79.12%":
# "performance" stands for the one metric the sentence names
_PLACEHOLDER_BEFORE = re.compile(
    r"\bperformance\s+(?:(?:drops?|falls?|rises?|climbs?)\s+)?(?:to|of|at)\s+(?:only\s+|about\s+|~\s*)?$",
    re.IGNORECASE,
)


def link_placeholder(text: str, values: list[Value]) -> None:
    """A number reported as "performance to/of v" shares the metric of the sentence's other
    results when they all name one metric, in the same unit; with two metrics it stays unlinked."""
    for v in values:
        if v.metric is not None or not _PLACEHOLDER_BEFORE.search(text, max(0, v.start - 40), v.start):
            continue
        linked = [p for p in values if p.metric is not None and p.pattern not in ("compared", "parallel")]
        names = {text[p.metric[0] : p.metric[1]].lower() for p in linked if p.metric}
        if len(names) == 1 and all(p.unit == v.unit for p in linked):
            source = min(linked, key=lambda p: abs(p.start - v.start))
            v.metric, v.pattern, v.source = source.metric, "parallel", source


# "outperforms A by 0.4/0.19 and B by 1.82/0.49": the same verb, another baseline, another margin
_AND_ANOTHER_BY = re.compile(r"\s*,?\s*and\s+[^,;()]{0,60}?\bby\s+(?:\S+\s+){0,3}$", re.IGNORECASE)
# the stems of the verbs that change a measure ("reduces", "improving", "boosted"), for results.py too
CHANGE_STEMS = r"reduc|decreas|lower|cut|improv|increas|boost|rais|accelerat"
_CHANGE = re.compile(rf"\b(?:{CHANGE_STEMS}|sav)\w*", re.IGNORECASE)


def _compared_again(text: str, prev: Value, v: Value) -> bool:
    """``v`` is a second margin of the comparison that gave ``prev`` its metric."""
    lead = prev.source or prev
    if lead.pattern not in ("by_value", "compared") or not _AND_ANOTHER_BY.fullmatch(text, prev.end, v.start):
        return False
    scope = min(lead.start, lead.metric[0]) if lead.metric else lead.start
    return not _CHANGE.search(text, prev.end, v.start) and bool(_COMPARE_VERB.search(text, scope, v.start))


def link_coordinated(text: str, values: list[Value]) -> None:
    """ "by 28.82% and 23.39%", "(+3.6%, +1.5%, +1.2% mIoU)": one metric for the whole list."""
    groups: list[list[Value]] = []
    settings: set[int] = set()  # groups listed with a setting after each value
    for v in values:
        gap = text[groups[-1][-1].end : v.start] if groups else ""
        if groups and _COORDINATED.match(gap):
            groups[-1].append(v)
        elif (
            groups
            and groups[-1][-1].unit == v.unit
            and (_COORDINATED_SETTING.match(gap) or _BY_IN_SETTING.fullmatch(gap))
            and not _NOT_SETTING.search(gap)
        ):
            groups[-1].append(v)
            settings.add(len(groups) - 1)
        else:
            groups.append([v])
    for i, group in enumerate(groups):
        if len(group) < 2:
            continue
        first, last = group[0], group[-1]
        source = (
            last
            if last.pattern == "value_metric" and i not in settings
            else first
            if first.pattern in ("metric_value", "by_value", "from_to", "compared")
            or (i in settings and first.pattern == "value_metric")
            else None
        )
        if source is None:
            continue
        for v in group:
            v.group_start = first.start
            if v.metric is None:
                v.metric, v.pattern, v.source = source.metric, "coordinated", source


_SLASH = re.compile(r"\s*/\s*")


def pair_slashed(text: str, values: list[Value], metrics: list[tuple[int, int]]) -> None:
    """ "32.1/0.91 PSNR/SSIM", "PSNR/SSIM of 32.1/0.91": the i-th of the values is the i-th metric's."""
    chains: list[list[tuple[int, int]]] = []
    for m in sorted(metrics):
        if chains and _SLASH.fullmatch(text, chains[-1][-1][1], m[0]):
            chains[-1].append(m)
        else:
            chains.append([m])
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and _SLASH.fullmatch(text, values[j].end, values[j + 1].start):
            j += 1
        group, i = values[i : j + 1], j + 1
        lead = next((v.metric for v in group if v.metric is not None and v.pattern != "coordinated"), None)
        chain = next((c for c in chains if lead in c), [])
        if len(group) > 1 and len(chain) == len(group):
            for v, m in zip(group, chain, strict=True):
                v.metric = m
