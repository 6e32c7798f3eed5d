"""Numbers as abstracts write them, for kg/extract/results.py: "64.38%", "+1.7 mIoU", "from 6.18 to
1.61", "between 3 and 5 pp", "2x" — with their units, and without the numbers that are not
results (years, counts such as "15 datasets", sizes such as "7B", citations, enumerations,
resolutions such as "256x256").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from kg.extract.metrics import find_cost_metrics, metric_phrase_after
from kg.extract.spans import is_hardware

Span = tuple[int, int]

__all__ = ["MAX_VALUE", "Value", "read_values"]

# No metric an abstract reports is larger (a 309-digit number parses to inf): a number beyond it,
# or one that is not finite, is not a result.
MAX_VALUE = 1e15

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# As written after a number; order matters ("%p" before "%", "times" glued or spaced).
_UNIT = (
    r"(?:\s?\\?%\s?p\b|\s(?:percentage|percent)\s+points?\b|\s?\\?%\$?|\s?pp\b|\s?\\times\$?"
    r"|\s?times\b|times(?=[a-z\s\d])"
    r"|\s?×|[xX](?![\w])|-?fold\b|[\s-](?:points?|pts)\b|\s?dB\b"
    # a measure's own unit, per item or not: "32 ms per frame", "1.2 GB", "3.5 s/image"
    r"|\s?(?:ms|sec|s(?=\s*(?:per|/)\s*[a-z])|[KMGT]i?B)\b(?:\s*(?:per|/)\s*(?:frame|image|token"
    r"|sample|step|iteration|query|video|batch|example|second|s)\b)?)"
)
_VALUE = re.compile(
    rf"(?:(?<![\w.])(?P<sign>[+−±~]|-(?=\d))|(?<![\w.\-]))(?P<num>{_NUM})(?P<unit1>{_UNIT})?"
    # a range: "5-7%", "8 to 10 times", "66%-to-75%" (hyphens round its "to")
    rf"(?:\s*(?P<sep>-to-|-|–|—|~|\bto\b|\bsim\b)\s*(?:[+]|(?<=to\s)[~≈])?(?P<num2>{_NUM})(?P<unit2>{_UNIT})?)?"
)
_BETWEEN = re.compile(
    rf"\bbetween\s+(?P<num>{_NUM})(?P<unit1>{_UNIT})?\s+and\s+"
    rf"(?P<num2>{_NUM})(?P<unit2>{_UNIT})?",
    re.IGNORECASE,
)

# What a number is when it is not a result.
_COUNT_NOUN = re.compile(
    r"\s*(?:million|billion|thousand|trillion|datasets?|benchmarks?|tasks?|languages?|classes"
    r"|categories|parameters?|params|images?|videos?|tokens?|samples?|examples?|instances?"
    r"|layers?|heads?|experts?|epochs?|steps?|iterations?|GPUs?|TPUs?|hours?|minutes?|days?"
    r"|seconds?|models?|agents?|frames?|pairs?|words?|documents?|queries|questions?|subjects?"
    r"|domains?|participants?|annotators?|bits?|shots?|hops?|nodes?|users?|videos?|clips?"
    r"|times\s+(?:fewer|less|more|smaller|larger)\s+(?:parameters|data|tokens|samples))\b",
    re.IGNORECASE,
)
_WORD_BEFORE = re.compile(r"(\S+)\s+$")
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:Sec(?:tion)?|Table|Tab|Fig(?:ure)?|Eq|Appendix|arXiv"
    r"|Chapter|Algorithm|Theorem|Lemma|Version|v)\.?\s*[:~]?\s*"
    r"|\[[\d,\s–-]*)$",
    re.IGNORECASE,
)
_DIMENSIONS_AFTER = re.compile(r"\s*(?:\\?times\$?|×|x|X)\s*\d+(?:\.\d+)?")
_TIMES_UNIT = re.compile(r"\\?times|×|[xX]|fold")

_FROM_BEFORE = re.compile(r"\bfrom\s+(?:about\s+|~)?$", re.IGNORECASE)


@dataclass
class Value:
    start: int  # the whole value as written, sign and unit included
    end: int
    num_start: int  # where the reported number starts (the "to" end of "from a to b")
    value: float
    range_high: float | None
    unit: str | None
    sign: str
    from_value: float | None = None
    metric: Span | None = None
    pattern: str = ""
    source: Value | None = None  # the list member whose metric a coordinated value shares
    group_start: int = -1  # where its coordinated list ("by 28.82% and 23.39%") starts
    by_phrase: bool = False  # its metric is a head-noun phrase no list names ("scaling rate")
    high_start: int = -1  # where a range's upper end ("8 to 10 times", "between 66% and 77%") starts


def read_values(text: str, s0: int, s1: int) -> list[Value]:
    found: list[Value] = []
    between = list(_BETWEEN.finditer(text, s0, s1))
    for m in between:
        found.append(_value_from_match(text, m, m.start("num")))
    skip_to = s0
    for m in _VALUE.finditer(text, s0, s1):
        if m.start() < skip_to or any(b.start() <= m.start() < b.end() for b in between):
            continue
        dims = _DIMENSIONS_AFTER.match(text, m.end("num")) or (
            _DIMENSIONS_AFTER.match(text, m.start("unit1")) if m.group("unit1") else None
        )
        if dims:
            # "256 times 256": the second side is not a result either, but what follows it may be
            # ("1.78 FID on ImageNet 256×256 and 2.1 FID on …" lost its 2.1 to a fixed skip)
            skip_to = dims.end()
            continue
        if not _is_result_like(text, m, s0, s1):
            continue
        found.append(_value_from_match(text, m, m.start()))
    return _fold_deviations(text, sorted((v for v in found if _plausible(v)), key=lambda v: v.start))


_PLUS_MINUS = re.compile(r"\s*(?:±|\\pm|\$\\pm\$|\+/-)\s*")


def _fold_deviations(text: str, values: list[Value]) -> list[Value]:
    """ "85.2 ± 0.3%": the deviation is no result of its own; the value takes its unit and ends after it."""
    out: list[Value] = []
    for v in values:
        if out and _PLUS_MINUS.fullmatch(text, out[-1].end, v.start if v.sign != "±" else v.start + 1):
            prev = out[-1]
            prev.end, prev.unit = v.end, prev.unit or v.unit
            continue
        out.append(v)
    return out


def _plausible(v: Value) -> bool:
    """Every number of the value finite and at most MAX_VALUE in size: "99…9" (309 digits) is not a result."""
    return all(x is None or (math.isfinite(x) and abs(x) <= MAX_VALUE) for x in (v.value, v.range_high, v.from_value))


def _is_result_like(text: str, m: re.Match[str], s0: int, s1: int) -> bool:
    end = m.end()
    unit = m.group("unit2") or m.group("unit1")
    nxt = text[end : end + 2]
    if nxt[:1].isalpha() or (nxt[:1] == "-" and nxt[1:2].isalpha()):
        return False  # "7B", "8TB", "4-bit", "3-hop"
    if _COUNT_NOUN.match(text, end) and not (
        unit and (metric_phrase_after(text, end + 1, s1, False) is not None or _cost_at(text, end + 1, s1))
    ):
        return False  # "15 datasets", but "1.1-2.1x expert forward throughput", "63% GPU memory reduction" are measures
    if _REFERENCE_BEFORE.search(text, max(s0, m.start() - 12), m.start()):
        return False
    word = _WORD_BEFORE.search(text, max(s0, m.start() - 12), m.start())
    if word and is_hardware(word.group(1)) and not any(c.isdigit() for c in word.group(1)):
        return False  # "RTX 4090", "GTX 1080": the number is the hardware's name
    num = m.group("num")
    if unit is None and m.group("num2") is None and "." not in num:
        if 1900 <= int(num.replace(",", "")) <= 2099:
            return False  # a year
        if text[m.start() - 1 : m.start()] == "(" and text[end : end + 1] == ")":
            return False  # "(1)" enumerations
    return True


def _cost_at(text: str, pos: int, end: int) -> bool:
    """A saved cost's name starts at ``pos`` ("GPU memory reduction")."""
    return any(s == pos for s, _ in find_cost_metrics(text, pos, min(end, pos + 80)))


def _value_from_match(text: str, m: re.Match[str], start: int) -> Value:
    num = float(m.group("num").replace(",", ""))
    num2 = float(m.group("num2").replace(",", "")) if m.group("num2") else None
    unit = _unit(m.group("unit2") or m.group("unit1"))
    sign = (m.groupdict().get("sign") or "").replace("−", "-")
    if num2 is not None and m.groupdict().get("sep") == "to" and _FROM_BEFORE.search(text, max(0, start - 12), start):
        return Value(start, m.end(), m.start("num2"), num2, None, unit, sign, from_value=num)
    if num2 is not None:
        return Value(
            start,
            m.end(),
            start,
            min(num, num2),
            max(num, num2),
            unit,
            sign,
            high_start=m.start("num2") if num2 >= num else start,
        )
    return Value(start, m.end(), start, num, None, unit, sign)


def _unit(written: str | None) -> str | None:
    if not written:
        return None
    u = written.strip().replace("\\", "").replace("$", "").replace(" ", "")
    if u in ("%p", "pp", "%", "dB"):
        return u
    if u.startswith(("percentage", "percent")):
        return "pp"
    if _TIMES_UNIT.fullmatch(u.lstrip("-")):
        return "x"
    if u.lstrip("-").startswith(("point", "pt")):
        return "points"
    # "32 ms per frame" → "ms/frame", "1.2 GB" → "GB"
    return re.sub(r"(?:per|/)(\w+)$", r"/\1", u)
