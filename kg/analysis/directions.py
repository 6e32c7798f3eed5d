"""Which way is better for a metric: the rules of kg/data/metric_directions.json, in order."""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from kg.data import read_json

__all__ = ["Better", "better_direction", "direction_rules"]

Better = Literal["higher", "lower"]


@cache
def direction_rules() -> tuple[tuple[re.Pattern[str], Better], ...]:
    """(pattern, better) pairs in the order the data file lists them."""
    rules = read_json("metric_directions.json")["rules"]
    return tuple((re.compile(r["pattern"], re.IGNORECASE), r["better"]) for r in rules)


@cache
def better_direction(metric: str) -> Better | None:
    """``"lower"`` for FID or WER, ``"higher"`` for accuracy or BLEU; None when no rule knows it."""
    name = " ".join(str(metric).split())
    for pattern, better in direction_rules():
        if pattern.search(name):
            return better
    return None
