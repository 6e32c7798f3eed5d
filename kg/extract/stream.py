"""Papers through the extraction pipeline as a stream, in this process or in a pool of workers.

This module does not import spaCy: where papers go to worker processes, the parent only reads
inputs and writes lines, and a parent that loaded spaCy first (~0.6 s here) would only delay
the workers' start. The pipeline itself (kg/extract/run.py) is imported where it runs: in this
process for a single batch, else in the pool's fork server, once for all workers.
"""

from __future__ import annotations

import gc
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kg.extract.pool import WorkerPool
from kg.model import Extraction, Paper

if TYPE_CHECKING:
    from kg.extract.run import Extractor

# What the pool's fork server imports before forking the workers: the pipeline's code.
PIPELINE_MODULE = "kg.extract.run"


class ExtractionLine(NamedTuple):
    """One extraction as the JSON line ``kg extract`` writes, with its counts. Workers send these
    when only the text is wanted: serializing there instead of in the parent keeps the parent,
    which shares the cores with the workers, nearly idle."""

    json: str
    entities: int
    relations: int


def to_line(extraction: Extraction) -> ExtractionLine:
    return ExtractionLine(extraction.model_dump_json(), len(extraction.entities), len(extraction.relations))


def _extractor(model: str | Path | None, min_confidence: float | None) -> Extractor:
    from kg.extract.run import Extractor

    return Extractor(model) if min_confidence is None else Extractor(model, min_confidence=min_confidence)


@dataclass(frozen=True)
class ExtractorFactory:
    """A picklable recipe for a worker process: builds an Extractor there and returns the
    function it runs on each batch (Extractions, or their JSON lines with ``as_lines``).
    ``min_confidence`` None: the Extractor's default."""

    model: str | Path | None = "default"
    min_confidence: float | None = None
    as_lines: bool = False
    preload: str = PIPELINE_MODULE

    def __call__(self) -> Callable[[list[Paper]], list]:
        extractor = _extractor(self.model, self.min_confidence)
        # The loaded pipeline lives as long as the worker: out of the collector's reach, it is
        # not walked again by every full collection (~3 % of the fast model's time here).
        gc.freeze()

        def run(batch: list[Paper]) -> list:
            out = extractor.extract(batch, batch_size=len(batch))
            return [to_line(e) for e in out] if self.as_lines else list(out)

        return run


def extraction_pool(
    workers: int, model: str | Path | None, min_confidence: float | None = None, as_lines: bool = False
) -> WorkerPool:
    """A WorkerPool of Extractors."""
    return WorkerPool(workers, ExtractorFactory(model, min_confidence, as_lines))


def default_workers() -> int:
    """Both cores of a small machine, at most four (more only adds start-up here)."""
    return max(1, min(os.cpu_count() or 1, 4))


def extract_stream(
    papers: Iterable[Paper],
    *,
    model: str | Path | None = "default",
    workers: int = 1,
    batch_size: int = 64,
    min_confidence: float | None = None,
    extractor: Extractor | None = None,
    as_lines: bool = False,
) -> Iterator[Any]:
    """Stream extractions (or, with ``as_lines``, their ExtractionLines); memory holds at most a
    few batches per worker. ``min_confidence`` None: the Extractor's default."""
    it = iter(papers)
    first = list(itertools.islice(it, batch_size))
    second = list(itertools.islice(it, batch_size)) if workers > 1 else []
    if workers <= 1 or not second:
        # One batch or less: starting worker processes would cost more than it saves.
        ex = extractor or _extractor(model, min_confidence)
        out = ex.extract(itertools.chain(first, second, it), batch_size=batch_size)
        yield from (map(to_line, out) if as_lines else out)
        return
    rest = iter(lambda: list(itertools.islice(it, batch_size)), [])
    with extraction_pool(workers, model, min_confidence, as_lines=as_lines) as pool:
        for batch_out in pool.map(itertools.chain([first, second], rest)):
            yield from batch_out
