"""Extraction: spaCy components (one module per rule), the pipeline, and the assembler.

``kg.extract`` is this package and nothing else; the Python API's entry point is
``kg.extract_papers(records)``. ``kg.extract.build_nlp()`` gives the pipeline (both stages: a Doc
gets candidates, relations and results in ``doc._``) and ``kg.extract.Extractor`` runs it over
papers; both are imported on first use, so ``import kg.extract.sentences`` stays light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Extractor", "build_nlp"]


def __getattr__(name: str) -> Any:
    if name == "build_nlp":
        from kg.extract.pipeline import build_nlp

        return build_nlp
    if name == "Extractor":
        from kg.extract.run import Extractor

        return Extractor
    raise AttributeError(f"module 'kg.extract' has no attribute {name!r}")
