"""Extraction: spaCy components (one module per rule), the pipeline, and the assembler.

``kg.extract(...)`` is also callable (the Python API mirrors ``kg extract``): the package module
is given a ``__call__`` so that both ``kg.extract(records)`` and ``kg.extract.urls`` work.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable
from typing import Any


def extract(items: Iterable[Any] | str, *, model: Any = "default", min_confidence: float | None = None,
            workers: int = 1) -> list:
    """Extract from texts, dicts ({"title", "abstract", …}) or Paper records; returns Extractions."""
    from kg.api import extract as _extract
    return _extract(items, model=model, min_confidence=min_confidence, workers=workers)


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> list:
        return extract(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
