"""Stable paper ids for records that carry none: a hash of the normalized title, so the same
paper listed twice (or read on another day) gets the same id and becomes one Paper node."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_ALNUM = re.compile(r"[\W_]+")


def normalize_title(title: str) -> str:
    t = unicodedata.normalize("NFKC", title).casefold()
    return _NON_ALNUM.sub(" ", t).strip()


def title_id(title: str) -> str:
    # a title without letters or digits ("???", "\x00") normalises to nothing: hash it as written,
    # or every such title would be one paper
    key = normalize_title(title) or "\x00raw:" + unicodedata.normalize("NFKC", title).strip()
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
