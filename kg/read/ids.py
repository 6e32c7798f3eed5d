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
    return hashlib.sha1(normalize_title(title).encode("utf-8")).hexdigest()[:16]
