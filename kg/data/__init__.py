"""Packaged data: lexicons, term lists, head nouns.

A term list is a UTF-8 text file, one term a line; blank lines and lines starting with ``#``
are comments. :func:`read_term_list` is the one reader of them, :func:`read_json` of the JSON
files (lexicons, being JSON lines, have their reader in kg/extract/lexicon.py).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def read_term_list(name: str) -> tuple[str, ...]:
    """The terms of ``kg/data/<name>``, stripped, in file order."""
    text = (resources.files("kg") / "data" / name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def read_json(name: str) -> Any:
    """The parsed ``kg/data/<name>`` (cached: treat it as read-only)."""
    return json.loads((resources.files("kg") / "data" / name).read_text(encoding="utf-8"))
