"""Benchmarks, leaderboards and trends in the app, from kg.analysis (graph-file backend only)."""

from __future__ import annotations

from typing import Any

from kg.serve.backend import Backend

__all__ = ["analysis_for"]


def analysis_for(backend: Backend) -> Any:
    """The routes for leaderboards and trends, or None where they cannot be answered."""
    return None
