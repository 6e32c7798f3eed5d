"""Canonical keys: one key per thing, whatever the spelling.

``canonical_key`` folds case, Unicode compatibility forms, zero-width and combining marks,
LaTeX math markup, hyphens/spaces/underscores, letter–digit boundaries and a final plural, so
"Vision-Language Models", "vision language model" and "VISION–LANGUAGE MODELS" share a key, as do
"ImageNet-1K"/"ImageNet 1k"/"imagenet1k" and "Met$^2$Net"/"Met2Net". Versions stay apart:
"ResNet-50" and "ResNet-101" differ (VARIANT_OF links them to "ResNet", see variants.py), as do
"UNet" and "UNet++".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LATEX = re.compile(r"\$|\\[a-zA-Z]+|[{}^_]")
# "UNet++", "Transformer++", "C++": a trailing "+" names another thing, so it stays in the key
_PLUS = re.compile(r"(?<=\w)\+{1,3}(?![\w+])")
_SPLIT = re.compile(r"[^\w]+|_")
_ALPHA_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
# Words whose final s is not a plural; a short list because _singular only touches words >= 4.
_NOT_PLURAL = frozenset(
    {
        "analysis",
        "basis",
        "bias",
        "class",
        "loss",
        "less",
        "ness",
        "process",
        "corpus",
        "status",
        "focus",
        "consensus",
        "thesis",
        "synthesis",
        "atlas",
        "lens",
        "news",
        "physics",
        "mathematics",
        "series",
        "species",
    }
)


def strip_marks(text: str) -> str:
    """NFKC, then drop zero-width/format characters and combining marks."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Cf"))


def _singular(word: str) -> str:
    """Singular of a token as written: "Models" → "model", "LLMs" → "llm", but not "SDXS"."""
    if word.isupper():
        return word.casefold()
    word = word.casefold()
    if len(word) < 4 or not word.isalpha() or word in _NOT_PLURAL or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s"):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def canonical_key(name: str) -> str:
    """The key of a name: lowercase tokens joined by '-', last token singular."""
    text = _LATEX.sub(" ", strip_marks(name))
    text = _PLUS.sub(lambda m: " " + "plus" * len(m.group(0)), text)
    tokens = [t for t in _SPLIT.split(_ALPHA_DIGIT.sub(" ", text)) if t]
    if not tokens:
        return ""
    last = _singular(tokens[-1])
    return "-".join([t.casefold() for t in tokens[:-1]] + [last])
