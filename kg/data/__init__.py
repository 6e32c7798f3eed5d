"""Packaged data: lexicons, term lists, head nouns.

A term list is a UTF-8 text file, one term a line; blank lines and lines starting with ``#``
are comments. :func:`read_term_list` is the one reader of them.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def read_term_list(name: str) -> tuple[str, ...]:
    """The terms of ``kg/data/<name>``, stripped, in file order."""
    text = (resources.files("kg") / "data" / name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
