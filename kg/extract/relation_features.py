"""The relation classifier's features: tokens, the pair's context as feature strings, and their
stable hashed indices (kg/extract/relation_model.py holds the classifier that weighs them)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["hash_features", "normalize_word", "normalize_words", "pair_features", "tokenize"]

_TOKEN_RE = re.compile(r"[^\W_]+|\S")
_MARKERS: tuple[str, ...] = (
    "of",
    "for",
    "on",
    "in",
    "with",
    "by",
    "to",
    "from",
    "as",
    "and",
    "or",
    "than",
    "using",
    "such as",
    "including",
    "based on",
    "compared to",
    "compared with",
    "over",
    "via",
    "into",
    "is",
    "are",
    "outperform",
    "outperforms",
    "achieve",
    "achieves",
    "evaluate",
    "evaluated",
    "trained",
    "train",
    "apply",
    "applied",
    "use",
    "used",
    "uses",
    "like",
    "between",
    "(",
    ",",
    ";",
    ":",
    "e . g",
    "i . e",
    "which",
    "between",
)
_DIST_BUCKETS = (0, 1, 2, 3, 5, 8, 12, 20)
# A token never holds a space, so a one-word marker is in the gap exactly when it is one of its
# words: a set lookup, not a substring search of the joined gap; only phrases need that.
_MARKER_IS_WORD = tuple((m, " " not in m) for m in _MARKERS)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Char spans of the tokens of ``text[start:end]``: runs of letters/digits, else one char."""
    return [m.span() for m in _TOKEN_RE.finditer(text, start, len(text) if end is None else end)]


def normalize_word(w: str) -> str:
    return _numbered(w.lower())


def normalize_words(text: str, start: int, end: int, toks: list[tuple[int, int]]) -> list[str]:
    """normalize_word of each token of ``text[start:end]``; an ASCII sentence is lowercased once,
    as lowercasing it keeps every offset."""
    sentence = text[start:end]
    if not sentence.isascii():
        return [normalize_word(text[s:e]) for s, e in toks]
    low = sentence.lower()
    return [_numbered(low[s - start : e - start]) for s, e in toks]


def _numbered(word: str) -> str:
    return "<num>" if word[:1].isdigit() else word


def _bucket_of(n: int) -> str:
    for b in reversed(_DIST_BUCKETS):
        if n >= b:
            return str(b)
    return "0"


_BUCKETS = tuple(_bucket_of(n) for n in range(_DIST_BUCKETS[-1] + 1))  # three a pair: a table


def _bucket(n: int) -> str:
    return _BUCKETS[n] if 0 <= n < len(_BUCKETS) else _bucket_of(n)


def pair_features(
    words: Sequence[str], a: tuple[int, int, str], b: tuple[int, int, str], between_types: Sequence[str]
) -> list[str]:
    """Feature strings of the pair A (earlier) and B; ``a``/``b`` are (start, end, type) tokens.

    ``words`` are already normalized (:func:`normalize_word`); ``between_types`` are the types of the
    mentions lying between A and B.
    """
    (s1, e1, ta), (s2, e2, tb) = a, b
    tp = f"{ta}|{tb}"
    gap = words[e1:s2]
    n = len(gap)
    d = _bucket(n)
    f = [
        "bias",
        "tp=" + tp,
        "d=" + d,
        f"d={d}|{tp}",
        f"nb={min(len(between_types), 3)}|{tp}",
        "bt=" + "-".join(between_types[:3]) + "|" + tp,
        "la=" + _bucket(e1 - s1),
        "lb=" + _bucket(e2 - s2),
    ]
    aw, bw = words[s1:e1], words[s2:e2]
    f += ["ah=" + aw[-1], "bh=" + bw[-1], f"ah={aw[-1]}|{tb}", f"bh={bw[-1]}|{ta}"]
    f += ["aw=" + w for w in aw] + ["bw=" + w for w in bw]
    f += [
        "a-1=" + (words[s1 - 1] if s1 >= 1 else "<s>"),
        "a-2=" + (words[s1 - 2] if s1 >= 2 else "<s>"),
        "b+1=" + (words[e2] if e2 < len(words) else "</s>"),
        "b+2=" + (words[e2 + 1] if e2 + 1 < len(words) else "</s>"),
        "a+1=" + (words[e1] if e1 < len(words) else "</s>"),
        "b-1=" + (words[s2 - 1] if s2 >= 1 else "<s>"),
    ]
    if n == 0:
        f.append("adjacent|" + tp)
    else:
        f += ["bf=" + gap[0], "bl=" + gap[-1], f"bf={gap[0]}|{tp}", f"bl={gap[-1]}|{tp}"]
        if n <= 4:
            f += ["gap=" + " ".join(gap), f"gap={' '.join(gap)}|{tp}"]
        gap_words = set(gap)
        if n <= 12:
            f += ["g=" + w for w in gap_words]
        else:
            f += ["gfar=" + w for w in gap_words]
        joined = " " + " ".join(gap) + " "
        f += [f"mk={m}|{tp}" for m, word in _MARKER_IS_WORD if (m in gap_words if word else f" {m} " in joined)]
    return f


_HASH_CACHE: dict[str, int] = {}


def hash_features(features: Iterable[str], bits: int) -> np.ndarray:
    """Stable hashed indices (CRC32), deduplicated (the features are binary) and sorted: the
    float32 sum over them must not depend on the order of a set of strings, which Python
    randomizes per process, or two runs of the same training differ."""
    mask = (1 << bits) - 1
    out = set()
    for feat in features:
        h = _HASH_CACHE.get(feat)
        if h is None:
            h = zlib.crc32(feat.encode("utf-8"))
            if len(_HASH_CACHE) < 2_000_000:  # bounded: an unbounded cache leaks in long runs
                _HASH_CACHE[feat] = h
        out.add(h & mask)
    return np.fromiter(sorted(out), dtype=np.int64, count=len(out))
