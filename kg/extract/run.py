"""Running the pipeline over a stream of papers, in one process or several.

Title and abstract are separate Docs so every offset is an offset into its field. With
``workers > 1`` each worker process loads the pipeline once and runs the whole per-paper path
(spaCy and assembly), so both cores work on everything; results come back in input order,
which keeps the output deterministic.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language

from kg.extract.assemble import DEFAULT_MIN_CONFIDENCE, ExtraFinders, assemble
from kg.extract.pipeline import build_nlp
from kg.extract.pool import WorkerPool
from kg.extract.relation_model import predict_relations
from kg.extract.relation_rules import find_relations
from kg.extract.results import find_results
from kg.model import Extraction, Paper

FIELDS = ("title", "abstract")


class ExtractionLine(NamedTuple):
    """One extraction as the JSON line ``kg extract`` writes, with its counts. Workers send these
    when only the text is wanted: serializing there instead of in the parent keeps the parent,
    which shares the cores with the workers, nearly idle."""

    json: str
    entities: int
    relations: int


def to_line(extraction: Extraction) -> ExtractionLine:
    return ExtractionLine(extraction.model_dump_json(), len(extraction.entities), len(extraction.relations))


def default_extras() -> ExtraFinders:
    """Sentence-level finders run on the assembled mentions (not as pipeline components, so
    they see the final, de-overlapped entity spans)."""
    return ExtraFinders([find_relations, predict_relations], find_results)


class Extractor:
    """Papers in, Extractions out; holds the loaded pipeline."""

    def __init__(self, model: str | Path | None = "default", *, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                 nlp: Language | None = None):
        self.nlp = nlp or build_nlp(model)
        self.min_confidence = min_confidence
        self.extras = default_extras()

    def extract(self, papers: Iterable[Paper], batch_size: int = 64) -> Iterator[Extraction]:
        it = iter(papers)
        while batch := list(itertools.islice(it, batch_size)):
            texts = [p.title if f == "title" else p.abstract for p in batch for f in FIELDS]
            docs = list(self.nlp.pipe(texts, batch_size=batch_size * 2))
            for i, paper in enumerate(batch):
                fields = dict(zip(FIELDS, docs[2 * i: 2 * i + 2]))
                yield assemble(paper, fields, min_confidence=self.min_confidence, extras=self.extras)


def default_workers() -> int:
    """Both cores of a small machine, at most four (more only adds start-up here)."""
    return max(1, min(os.cpu_count() or 1, 4))


def extract_stream(papers: Iterable[Paper], *, model: str | Path | None = "default", workers: int = 1,
                   batch_size: int = 64, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                   extractor: Extractor | None = None, as_lines: bool = False
                   ) -> Iterator[Extraction] | Iterator[ExtractionLine]:
    """Stream extractions (or, with ``as_lines``, their JSON lines); memory holds at most a few
    batches per worker."""
    it = iter(papers)
    first = list(itertools.islice(it, batch_size))
    second = list(itertools.islice(it, batch_size)) if workers > 1 else []
    if workers <= 1 or not second:
        # One batch or less: starting worker processes would cost more than it saves.
        ex = extractor or Extractor(model, min_confidence=min_confidence)
        out = ex.extract(itertools.chain(first, second, it), batch_size=batch_size)
        yield from (map(to_line, out) if as_lines else out)
        return
    rest = iter(lambda: list(itertools.islice(it, batch_size)), [])
    with WorkerPool(workers, model, min_confidence, as_lines=as_lines) as pool:
        for out in pool.map(itertools.chain([first, second], rest)):
            yield from out
