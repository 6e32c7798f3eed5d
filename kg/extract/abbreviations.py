"""Acronym definitions, "Vision Language Models (VLMs)", by the Schwartz–Hearst algorithm.

Schwartz & Hearst (2003), "A simple algorithm for identifying abbreviation definitions in
biomedical text": a short form in parentheses; its long form is the shortest run of preceding
words (at most min(|SF| + 5, 2·|SF|)) in which the short form's characters occur in order, the
first one starting a word. Our own short implementation (scispacy's depends on nmslib, which
fails on Python 3.11+); the same split as theirs: pure functions, then a thin component.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidates import text_of
from kg.extract.registry import rule_component

EXTRACTOR = "kg_abbreviations"  # the extractor name of acronyms and their expansions

# "(VLMs)", "(MMRL)", "(reID)", "(CPT)"; a leading space is optional: "re-identification(reID)".
_PAREN = re.compile(r"\(\s*([^()\s][^()]{0,15}?)\s*[);,]")
_WORD = re.compile(r"[^\s]+")


@dataclass(frozen=True)
class Abbreviation:
    short_start: int
    short_end: int
    long_start: int
    long_end: int
    short: str
    long: str


def is_short_form(s: str) -> bool:
    words = s.split()
    return (
        2 <= len(s) <= 12
        and len(words) <= 2
        and s[0].isalnum()
        and any(c.isalpha() for c in s)
        and any(c.isupper() for c in s)
    )


def best_long_form(short: str, candidate: str) -> int | None:
    """Start index in ``candidate`` of the long form for ``short``, or None (Schwartz–Hearst)."""
    s_index, l_index = len(short) - 1, len(candidate) - 1
    while s_index >= 0:
        c = short[s_index].lower()
        if not c.isalnum():
            s_index -= 1
            continue
        while l_index >= 0 and (
            candidate[l_index].lower() != c or (s_index == 0 and l_index > 0 and candidate[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = l_index + 1
    # back up to the start of the word the first character sits in
    while start > 0 and not candidate[start - 1].isspace():
        start -= 1
    return start


def initials_agree(short: str, long: str) -> bool:
    """Capitals of the short form follow the long form's word initials, one miss allowed.

    Schwartz–Hearst alone accepts letters anywhere in a word ("graph signal processing" for
    GCN); acronyms in ML abstracts are built from initials, so this check removes most of that.
    """
    return _initial_misses(short, long) <= 1


def _initial_misses(short: str, long: str) -> int:
    caps = [c.lower() for c in short if c.isupper()]
    if len(caps) < 2:
        return 0
    words = [w.lower() for w in re.split(r"[\s\-/]+", long) if w]
    # a long form read by its words' first letters never runs over a clause ("3-hop
    # reconstruction respectively, while the … (HOPE)")
    if "," in long:
        return _misses(caps, words, prefixes=False)
    return min(_misses(caps, words, prefixes=False), _misses(caps, words, prefixes=True))


def _misses(caps: list[str], words: list[str], prefixes: bool) -> int:
    """Capitals not found as word initials, in order; with ``prefixes`` a capital may also be the
    next letter of the word the one before it began: "DIversifying Sample COndensation (DISCO)"."""
    misses, i = 0, 0
    word, pos = -1, 0  # the word the last capital matched in, and at which letter
    for c in caps:
        if prefixes and word >= 0 and pos + 1 < len(words[word]) and words[word][pos + 1] == c:
            pos += 1
            continue
        j = i
        while j < len(words) and words[j][0] != c:
            j += 1
        if j == len(words):
            misses += 1
            word = -1
        else:
            i, word, pos = j + 1, j, 0
    return misses


# A title that opens on its method's short form: "CRCE: Coreference-Retention Concept Erasure in
# Text-to-Image Diffusion Models"; the long form ends before the first preposition or clause mark.
_LEADING_SHORT = re.compile(r"\s*([^\s:]{2,12}):\s+")
_LONG_FORM_END = re.compile(
    r"\s(?:for|in|with|via|on|through|towards?|to|of|from|by|using|as|is|are|at)\s|[:,;(?]", re.IGNORECASE
)


def _leading_definition(text: str) -> Abbreviation | None:
    """ "SF: Long Form …" at the start of ``text``: the words after the colon that spell the short
    form (Schwartz–Hearst from their first word), with the fewest initials missed, then the fewest
    words ("LiST: Lite Prompted Self-training Makes …" → "Lite Prompted Self-training")."""
    m = _LEADING_SHORT.match(text)
    if m is None or not is_short_form(m.group(1)):
        return None
    short = m.group(1)
    stop = _LONG_FORM_END.search(text, m.end())
    words = list(_WORD.finditer(text, m.end(), stop.start() if stop else len(text)))
    best: tuple[int, int] | None = None  # (misses, end)
    for w in words[: len(short) + 5]:
        long = text[m.end() : w.end()]
        if best_long_form(short, long) != 0:
            continue
        misses = _initial_misses(short, long)
        if misses <= 1 and (best is None or misses < best[0]):
            best = (misses, w.end())
    if best is None:
        return None
    return Abbreviation(m.start(1), m.end(1), m.end(), best[1], short, text[m.end() : best[1]])


def find_abbreviations(text: str) -> list[Abbreviation]:
    leading = _leading_definition(text)
    out: list[Abbreviation] = [leading] if leading is not None else []
    for m in _PAREN.finditer(text):
        short = m.group(1).strip()
        if not is_short_form(short):
            continue
        before = text[: m.start()].rstrip()
        words = list(_WORD.finditer(before))
        if not words:
            continue
        max_words = min(len(short) + 5, 2 * len(short))
        window = words[-max_words:]
        # never reach back across a sentence end or another parenthesis
        for i in range(len(window) - 1, 0, -1):
            w = window[i - 1].group(0)
            if w.endswith((".", ";", ":", ")")) or "(" in w:
                window = window[i:]
                break
        cstart = window[0].start()
        candidate = before[cstart:]
        rel = best_long_form(short, candidate)
        if rel is None:
            continue
        long_start = cstart + rel
        long = before[long_start:].strip(" ,-")
        if len(long) <= len(short) or long.lower() == short.lower():
            continue
        if len(long.split()) > max_words or not initials_agree(short, long):
            continue
        s0 = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
        out.append(Abbreviation(s0, s0 + len(short), long_start, long_start + len(long), short, long))
    return out


@rule_component(EXTRACTOR, priority=1, default_config={"confidence": 0.7}, assigns=["doc._.kg_abbreviations"])
def make_abbreviations(nlp: Language, name: str, confidence: float):
    def kg_abbreviations(doc: Doc) -> Doc:
        doc._.kg_abbreviations = [
            {"short": [a.short_start, a.short_end], "long": [a.long_start, a.long_end], "confidence": confidence}
            for a in find_abbreviations(text_of(doc))
        ]
        return doc

    return kg_abbreviations
