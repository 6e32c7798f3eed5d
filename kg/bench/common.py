"""What the extraction benchmarks share: the sample papers as input, timing, and the host."""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# The benchmarks run from a checkout: the samples are in the repository, not in the package.
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "hf-papers"

DEFAULT_BATCH = 64  # the CLI's --batch-size default
DEFAULT_MODEL = "default"


def load_papers(paths: Sequence[str | Path] = (SAMPLES,), n: int | None = 2000, seed: int = 0) -> list:
    """The sample papers, resampled (with replacement, fresh ids) to ``n`` for stable timing."""
    from kg.read import read_papers

    base = [p for p in read_papers(list(paths))]
    if n is None:
        return base
    rng = random.Random(seed)
    out = list(base) if n >= len(base) else []
    while len(out) < n:
        p = rng.choice(base)
        out.append(p.model_copy(update={"id": f"{p.id}~{len(out)}"}))
    return out[:n]


def count_words(papers) -> int:
    return sum(len(p.title.split()) + len(p.abstract.split()) for p in papers)


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def summary(times: list[float]) -> dict[str, float]:
    return {"best_s": min(times), "median_s": statistics.median(times), "runs": len(times)}


def host_info() -> dict[str, Any]:
    import spacy

    from kg.extract.packaged import default_model_path

    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "spacy": spacy.__version__,
        "ner_model": str(default_model_path()) if default_model_path() else "none (rules only)",
    }
    try:
        info["loadavg"] = [round(x, 1) for x in os.getloadavg()]
    except OSError:
        pass
    return info
