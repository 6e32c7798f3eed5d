"""Running the pipeline over papers, in this process (kg/extract/stream.py sends them to it,
here or in worker processes).

Title and abstract are separate Docs so every offset is an offset into its field. A batch runs
the pipeline's first stage (NER and rule components), resolves each paper's mentions over its
two Docs (assemble.resolve), runs the second stage (the sentence-level components, the same
objects ``nlp`` holds) on each Doc, and assembles what they wrote. With ``workers > 1`` each
worker process holds one Extractor and runs the whole per-paper path (spaCy and assembly), so
both cores work on everything; results come back in input order, which keeps the output
deterministic.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language

from kg.extract.assemble import DEFAULT_MIN_CONFIDENCE, assemble, resolve
from kg.extract.candidates import made_from
from kg.extract.judge import ner_confidences
from kg.extract.pipeline import build_nlp, sentence_component_names
from kg.extract.registry import instance_priorities
from kg.model import Extraction, Paper

FIELDS = ("title", "abstract")


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
            doc = made_from(self.nlp.make_doc(text), text)
            doc._.kg_field = FIELDS[n % 2]  # kg_proposals reads titles' "X: …" prefix
            yield doc
