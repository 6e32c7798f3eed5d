"""Running the pipeline over a stream of papers, in one process or several.

Title and abstract are separate Docs so every offset is an offset into its field. A batch runs
the pipeline's first stage (NER and rule components), resolves each paper's mentions over its
two Docs (assemble.resolve), runs the second stage (the sentence-level components, the same
objects ``nlp`` holds) on each Doc, and assembles what they wrote. With
``workers > 1`` each worker process loads the pipeline once and runs the whole per-paper path
(spaCy and assembly), so both cores work on everything; results come back in input order,
which keeps the output deterministic.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from spacy.language import Language

from kg.extract.assemble import DEFAULT_MIN_CONFIDENCE, assemble, resolve
from kg.extract.judge import ner_confidences
from kg.extract.pipeline import build_nlp, sentence_component_names
from kg.extract.pool import WorkerPool
from kg.extract.registry import instance_priorities
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


class Extractor:
    """Papers in, Extractions out; holds the loaded pipeline."""

    def __init__(
        self,
        model: str | Path | None = "default",
        *,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        nlp: Language | None = None,
    ):
        self.nlp = nlp or build_nlp(model)
        self.min_confidence = min_confidence
        self.stage2 = sentence_component_names(self.nlp)
        self.ranks = instance_priorities(self.nlp)
        self.judging = ner_confidences(self.nlp)

    def extract(self, papers: Iterable[Paper], batch_size: int = 64) -> Iterator[Extraction]:
        stage2 = [self.nlp.get_pipe(name) for name in self.stage2]
        it = iter(papers)
        while batch := list(itertools.islice(it, batch_size)):
            texts = [p.title if f == "title" else p.abstract for p in batch for f in FIELDS]
            with self.nlp.select_pipes(disable=self.stage2):
                docs = list(self.nlp.pipe(self._stage1_docs(texts), batch_size=batch_size * 2))
            for i, paper in enumerate(batch):
                fields = dict(zip(FIELDS, docs[2 * i : 2 * i + 2], strict=True))
                resolution = resolve(
                    paper, fields, min_confidence=self.min_confidence, ranks=self.ranks, judging=self.judging
                )
                for fld, doc in fields.items():
                    for component in stage2:
                        fields[fld] = doc = component(doc)
                yield assemble(paper, fields, resolution)

    def _stage1_docs(self, texts: list[str]) -> Iterator[Any]:
        for n, text in enumerate(texts):
            doc = self.nlp.make_doc(text)
            doc._.kg_field = FIELDS[n % 2]  # kg_proposals reads titles' "X: …" prefix
            yield doc


@dataclass(frozen=True)
class ExtractorFactory:
    """A picklable recipe for a worker process: builds an Extractor there and returns the
    function it runs on each batch (Extractions, or their JSON lines with ``as_lines``)."""

    model: str | Path | None = "default"
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    as_lines: bool = False

    def __call__(self) -> Callable[[list[Paper]], list]:
        extractor = Extractor(self.model, min_confidence=self.min_confidence)

        def run(batch: list[Paper]) -> list:
            out = extractor.extract(batch, batch_size=len(batch))
            return [to_line(e) for e in out] if self.as_lines else list(out)

        return run


def extraction_pool(
    workers: int, model: str | Path | None, min_confidence: float, as_lines: bool = False
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
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    extractor: Extractor | None = None,
    as_lines: bool = False,
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
    with extraction_pool(workers, model, min_confidence, as_lines=as_lines) as pool:
        for batch_out in pool.map(itertools.chain([first, second], rest)):
            yield from batch_out
