"""Recognise metric names in text when no Metric mention covers them.

Two sources: a deliberately short built-in list of the metrics ML abstracts report most (so the
results rule works with no data files), and the Metric entries of the generated lexicons in
kg/data/lexicons/*.jsonl when that package is installed. Both only ever return spans of the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.data import read_term_list
from kg.extract.lexicon import packaged_entries

__all__ = ["find_metric_names", "lexicon_metric_names"]

# The names live in kg/data: one regular-expression alternative a line. Acronyms are
# case-sensitive ("IS", "AP", "EM" only count in capitals, never as English words), words not.
_METRIC = re.compile(
    rf"(?<![\w\-@])(?:(?:{'|'.join(read_term_list('metric_acronyms.txt'))})"
    rf"|(?i:{'|'.join(read_term_list('metric_words.txt'))}))(?![\w\-@]|\.\d)", re.VERBOSE)
# Generic words a noisy lexicon might list as metrics; never a metric on their own here.
_TOO_GENERIC = frozenset(read_term_list("metric_too_generic.txt"))
_LEXICON_TOKEN = re.compile(r"\w(?:[\w@&+\-/.]*\w)?")
_MAX_WORDS = 4


@lru_cache(maxsize=1)
def lexicon_metric_names() -> frozenset[str]:
    """Lowercased names and aliases of every Metric in kg.data.lexicons; empty if not installed."""
    try:
        entries = packaged_entries()
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return frozenset()
    names: set[str] = set()
    for entry in entries:
        if entry.type != "Metric":
            continue
        for name in [entry.name, *entry.aliases]:
            if isinstance(name, str) and 2 <= len(name) <= 60:
                key = name.strip().lower()
                if key not in _TOO_GENERIC and len(key.split()) <= _MAX_WORDS:
                    names.add(key)
    return frozenset(names)


def find_metric_names(text: str, start: int = 0, end: int | None = None,
                      lexicon: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of metric names in ``text[start:end]``, in order.

    Longest match wins. ``lexicon`` defaults to :func:`lexicon_metric_names`; short lexicon
    names (< 4 characters) must match case-sensitively-ish: all-lowercase text words never
    match an acronym, so "map" or "is" in prose are not metrics.
    """
    end = len(text) if end is None else end
    spans = [m.span() for m in _METRIC.finditer(text, start, end)]
    names = lexicon_metric_names() if lexicon is None else lexicon
    if names:
        spans.extend(_lexicon_spans(text, start, end, names))
    return _longest_first(spans)


def _lexicon_spans(text: str, start: int, end: int,
                   names: frozenset[str]) -> list[tuple[int, int]]:
    tokens = [m.span() for m in _LEXICON_TOKEN.finditer(text, start, end)]
    found: list[tuple[int, int]] = []
    for i in range(len(tokens)):
        for n in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
            s, e = tokens[i][0], tokens[i + n - 1][1]
            surface = text[s:e]
            if surface.lower() in names and not (len(surface) < 4 and surface.islower()):
                found.append((s, e))
                break
    return found


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for s, e in sorted(set(spans), key=lambda p: (p[0], p[0] - p[1])):
        if kept and s < kept[-1][1]:
            continue
        kept.append((s, e))
    return kept
