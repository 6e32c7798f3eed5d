"""Strict JSON: what every output holds. ``json.dumps`` would write a float that is not finite (a
309-digit number parses to inf) as ``Infinity`` or ``NaN``, which JSON.parse, jq and most
readers refuse; :func:`finite` turns those into null first."""

from __future__ import annotations

import math
from typing import Any


def finite(value: Any) -> Any:
    """``value`` with every float that is not finite (inf, nan) replaced by None, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value
