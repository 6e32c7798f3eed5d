"""Translation directions: "Turkish-English", "English-to-German", "En-De".

A direction is the part of a translation benchmark a score is reported on (GUIDELINES.md counts
named splits as datasets: "on the Turkish-English and Portuguese-English translation tasks"), and
it belongs to the benchmark's name written before it ("WMT14 English-German", "WMT'16 En-De").
It is never a Method, whatever its capitals suggest.
"""

from __future__ import annotations

import re

from kg.data import read_term_list

_TERMS = read_term_list("languages.txt")
_NAMES = "|".join(t for t in _TERMS if len(t) > 2)
# codes as abstracts write them: "En-De", "EN-DE" (lowercase "en-de" is left alone: "de" and "it"
# are words of other languages and of this one)
_CODES = (
    "|".join(c.capitalize() for c in _TERMS if len(c) == 2) + "|" + "|".join(c.upper() for c in _TERMS if len(c) == 2)
)
LANGUAGE_PAIR = rf"(?:(?:{_NAMES})(?:-to-|\s?[-–→]\s?)(?:{_NAMES})|(?:{_CODES})(?:-|–|→|->)(?:{_CODES}))(?![\w-])"
_PAIR = re.compile(rf"(?<![\w-])(?=[A-Z]){LANGUAGE_PAIR}")
# a list of them: "Turkish-English and Portuguese-English", "En-De, En-Fr, and En-Ro"
_LIST_GAP = r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
_PAIR_RUN = re.compile(rf"(?<![\w-])(?=[A-Z]){LANGUAGE_PAIR}(?:{_LIST_GAP}{LANGUAGE_PAIR})*")
# what makes a list of them data: a cue noun after it, "on" or "for" before it, or a benchmark's
# year or version ("WMT14 English-German and English-French")
_CUE_AFTER = re.compile(
    r"\s+(?:translation|datasets?|corpus|corpora|tasks?|benchmarks?|test\s+sets?|directions?"
    r"|(?:language\s+)?pairs?)\b",
    re.IGNORECASE,
)
_CUE_BEFORE = re.compile(r"(?:\b(?:on|for)\s+(?:the\s+)?|\d['’]?\s+)$", re.IGNORECASE)


def is_language_pair(name: str) -> bool:
    return _PAIR.fullmatch(name) is not None


def find_language_pairs(text: str) -> list[tuple[int, int]]:
    """Spans of the translation directions a cue makes data, in order; a bilingual model's
    "Chinese-English" has none."""
    out: list[tuple[int, int]] = []
    for run in _PAIR_RUN.finditer(text):
        if _CUE_AFTER.match(text, run.end()) or _CUE_BEFORE.search(text, max(0, run.start() - 8), run.start()):
            out.extend(m.span() for m in _PAIR.finditer(text, run.start(), run.end()))
    return out
