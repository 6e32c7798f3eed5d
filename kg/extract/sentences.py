"""A fast rule-based sentence splitter for abstracts: (start, end) character spans.

spaCy's parser or senter is accurate but costs more than every rule in kg/extract together; the
rules only need clause-sized windows, so a regex that knows abstract-style abbreviations
("e.g.", "et al.", "vs.") and decimals ("0.5%") is enough.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc

from kg.extract.candidates import text_of

__all__ = ["SentenceIndex", "doc_sentences", "keep_abbreviations", "split_period_after_size", "split_sentences"]

# A boundary: terminal punctuation (optionally closing quotes/brackets), whitespace, then
# something that can start a sentence. Decimals ("1.5") never match: no whitespace follows.
_BOUNDARY = re.compile(r"""[.!?]['")\]]*\s+(?=["'(\[]?[A-Z0-9])""")

# Words whose trailing period does not end a sentence (lowercased, without the period).
_NO_BREAK_AFTER = frozenset(
    {
        "e.g",
        "i.e",
        "al",
        "vs",
        "cf",
        "fig",
        "figs",
        "eq",
        "eqs",
        "sec",
        "tab",
        "no",
        "approx",
        "resp",
        "etc",
        "dr",
        "mr",
        "ms",
        "prof",
        "st",
        "ca",
        "viz",
        "incl",
        "ref",
        "refs",
    }
)
_LAST_WORD = re.compile(r"(?<!\S)(\S+)\.['\")\]]*\s*$")
# A boundary with its space missing, "pairs.F1 scores", "framework.The": a period between a word
# of lowercase letters and a capital (spaCy's tokenizer splits there, so the sentencizer does).
# "Node.js", "e.g.BERT", "github.io/X" and "webpage.https://…" are not split.
_GLUED = re.compile(r"(?<=[a-z]{2})\.(?=[A-Z])")


# spaCy's English suffix rules split a final period off after a lowercase letter, a digit or two
# capitals, never after one capital (so "U.S." stays whole). That also kept "7B.", "VL-7B." and
# "ImageNet-1K." whole, and the sentencizer, which breaks after a "." token, glued the next
# sentence on (an evidence sentence twice as long; results tied to names across the break).
_PERIOD_AFTER_SIZE = r"(?<=[0-9][A-Z])\."


def split_period_after_size(nlp: Language) -> None:
    """Make ``nlp``'s tokenizer split the period after a digit and one capital ("7B.", "1K.")."""
    tokenizer: Any = nlp.tokenizer  # spaCy's Tokenizer; typed as a callable
    search = tokenizer.suffix_search
    pattern = search.__self__.pattern if search is not None else ""
    if _PERIOD_AFTER_SIZE in pattern:
        return
    rule = _PERIOD_AFTER_SIZE + "$"
    tokenizer.suffix_search = re.compile(f"{pattern}|{rule}" if pattern else rule).search


# Abbreviations the tokenizer must keep whole, period included: the sentencizer breaks after every
# "." token, so "ranking No. 1 on MTEB", "Lee et al., 2023" and "(avg. from 49.2 to 50.1)" were
# cut in two (a result parted from its benchmark). Not the ones a unit can end a sentence with
# ("32 ms.", "0.5 sec."), nor lowercase "no." ("… and no.").
_KEPT_ABBREVIATIONS = (
    "al", "etc", "vs", "cf", "fig", "figs", "eq", "eqs", "approx", "resp", "viz", "incl", "avg",
    "w.r.t", "a.k.a",
)  # fmt: skip


def keep_abbreviations(nlp: Language) -> None:
    """Make ``nlp``'s tokenizer keep "et al.", "etc.", "No." … one token each, so that a
    sentencizer does not break after them."""
    tokenizer: Any = nlp.tokenizer
    for word in _KEPT_ABBREVIATIONS:
        for form in {word, word.capitalize()}:
            tokenizer.add_special_case(form + ".", [{ORTH: form + "."}])
    tokenizer.add_special_case("No.", [{ORTH: "No."}])


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` as offsets into ``text``, stripped of whitespace."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    begin = start
    for m in sorted(
        [*_BOUNDARY.finditer(text, start, end), *_GLUED.finditer(text, start, end)], key=lambda m: m.start()
    ):
        if m.start() < begin:
            continue
        if m.re is _GLUED:
            if not _glued_after_word(text, m.start(), begin):
                continue
        else:
            last = _LAST_WORD.search(text, max(begin, m.start() - 20), m.end())
            word = last.group(1).lower().lstrip("([") if last is not None else ""
            # an initial ("J. Smith", "TeminAL A. The") rarely ends a sentence in an abstract
            if word in _NO_BREAK_AFTER or (len(word) == 1 and word.isalpha()):
                continue
        _add(text, begin, m.start() + len(m.group(0).rstrip()), spans)
        begin = m.end()
    _add(text, begin, end, spans)
    return spans


def _glued_after_word(text: str, dot: int, begin: int) -> bool:
    """Whether the text before ``dot`` back to a space is a lowercase word ("pairs", not
    "e.g", "github.io/x" or "x/model")."""
    i, lo = dot, max(begin, dot - 40)  # bounded: a long run without spaces is no word
    while i > lo and not text[i - 1].isspace():
        i -= 1
    if i == lo > begin and not text[i - 1].isspace():
        return False
    word = text[i:dot].lstrip("([\"'")
    return word.isalpha() and word.islower() and word not in _NO_BREAK_AFTER


def _add(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


def doc_sentences(doc: Doc) -> list[tuple[int, int]]:
    """The Doc's sentence spans when a sentencizer, senter or parser set them, else
    :func:`split_sentences`."""
    if doc.has_annotation("SENT_START"):
        return [(s.start_char, s.end_char) for s in doc.sents]
    return split_sentences(text_of(doc))


class SentenceIndex:
    """Sentence lookup for one field's Doc: (sentence text, its start offset) for an offset."""

    def __init__(self, doc: Doc):
        self.text = text_of(doc)
        self.bounds = [(s.start_char, s.end_char) for s in doc.sents] if len(doc) else [(0, 0)]
        self.starts = [s for s, _ in self.bounds]

    def at(self, offset: int) -> tuple[str, int]:
        # bisect: a 1 MB abstract has thousands of sentences and mentions
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0:
            s, e = self.bounds[i]
            if s <= offset < e or offset == e == len(self.text):
                return self.text[s:e], s
        return self.text, 0
