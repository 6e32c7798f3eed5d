"""The sentence-level components' output, attached to the paper's entities.

``kg_relation_rules`` and ``kg_relation_model`` leave relation dicts in ``doc._.kg_relations``,
``kg_results`` result dicts in ``doc._.kg_results`` (Doc offsets; see kg/extract/mentions.py).
Here the spans become entity ids, relations the schema does not allow and repeats are dropped,
and a result whose metric no entity covers makes a Metric entity of its own. Sentences are
visited in text order, relations before results, so the output order is the text's.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from kg.extract.candidates import text_of
from kg.extract.judge import name_like
from kg.extract.paper_relations import PaperEntities
from kg.model import Entity, Evidence, Mention, Paper, Relation, Result
from kg.resolve.keys import canonical_key
from kg.schema import allowed, node_id

RESULTS = "kg_results"  # the extractor name of results and of the Metric entities they add


@dataclass
class SentenceContext:
    """Where one sentence's relations and results are attached."""

    field: str
    start: int
    text: str

    def evidence(self, head: Any, tail: Any, extractor: str, confidence: float) -> Evidence:
        return Evidence.model_construct(
            field=self.field,
            sentence=self.text,
            sentence_start=self.start,
            head=None if head is None else (head[0], head[1]),
            tail=(tail[0], tail[1]),
            extractor=extractor,
            confidence=confidence,
        )


@dataclass
class Attacher:
    """Turns one paper's component output into Relations and Results, appending to ``found``."""

    paper: Paper
    found: PaperEntities
    results: list[Result] = field(default_factory=list)
    etype: dict[str, str] = field(default_factory=dict)
    seen_relations: set[tuple[str, str, str]] = field(default_factory=set)
    seen_results: set[str] = field(default_factory=set)
    own_method: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.etype = {e.id: e.type for e in self.found.entities}
        # what "our method" names: the one Method the paper proposes, or of several the one with a
        # name of its own ("We introduce ARPG, …" beside a "guided decoding framework"); none where
        # that leaves two
        proposed = [e for e in self.found.entities if e.type == "Method" and e.proposed]
        if len(proposed) > 1:
            proposed = [e for e in proposed if name_like(e.name)]
        self.own_method = proposed[0].id if len(proposed) == 1 else None

    def entity_at(self, fld: str, span: Any) -> str | None:
        return None if span is None else self.found.mention_entity.get((fld, span[0], span[1]))

    def relation(self, ctx: SentenceContext, r: dict[str, Any]) -> None:
        h, t = self.entity_at(ctx.field, r["head"]), self.entity_at(ctx.field, r["tail"])
        if not h or not t or h == t or (r["type"], h, t) in self.seen_relations:
            return
        if not allowed(r["type"], self.etype[h], self.etype[t]):
            return
        self.seen_relations.add((r["type"], h, t))
        self.found.relations.append(
            Relation.model_construct(
                type=r["type"],
                head=h,
                tail=t,
                evidence=ctx.evidence(r["head"], r["tail"], r["extractor"], round(float(r["confidence"]), 3)),
            )
        )

    def result(self, ctx: SentenceContext, r: dict[str, Any]) -> None:
        ms, me = r["metric"]
        confidence = round(float(r["confidence"]), 3)
        metric_id = self.entity_at(ctx.field, r["metric"])
        if metric_id is None:
            metric_id = self._metric_entity(ctx, r, confidence)
            if metric_id is None:
                return
        dataset, method = self.entity_at(ctx.field, r.get("dataset")), self.entity_at(ctx.field, r.get("method"))
        dataset = dataset if dataset and self.etype.get(dataset) == "Dataset" else None
        method = method if method and self.etype.get(method) == "Method" else None
        if method is None and r.get("by_own_method"):
            method = self.own_method
        digest = hashlib.sha1(
            json.dumps(
                [self.paper.id, metric_id, r["value"], r.get("unit"), r["kind"], dataset, method], sort_keys=True
            ).encode()
        ).hexdigest()[:16]
        rid = node_id("Result", digest)
        if rid in self.seen_results:
            return
        self.seen_results.add(rid)
        value_span = r.get("value_span") or r["metric"]
        self.results.append(
            Result.model_construct(
                id=rid,
                metric=metric_id,
                metric_name=self._text(ctx, r["metric"]),  # as the paper writes it
                value=float(r["value"]),
                value_text=r["value_text"],
                unit=r.get("unit"),
                kind=r["kind"],
                direction=r.get("direction"),
                range_high=r.get("range_high"),
                dataset=dataset,
                method=method,
                evidence=ctx.evidence((ms, me), value_span, RESULTS, confidence),
            )
        )

    @staticmethod
    def _text(ctx: SentenceContext, span: Any) -> str:
        return ctx.text[span[0] - ctx.start : span[1] - ctx.start]

    def _metric_entity(self, ctx: SentenceContext, r: dict[str, Any], confidence: float) -> str | None:
        """A Metric named only by the result ("reaches 64.38% mAP"): an entity of its own."""
        written = self._text(ctx, r["metric"])
        metric_name = r.get("metric_name") or written
        key = canonical_key(metric_name)
        if not key:
            return None
        metric_id = node_id("Metric", key)
        if metric_id not in self.etype:
            ms, me = r["metric"]
            self.found.entities.append(
                Entity.model_construct(
                    id=metric_id,
                    type="Metric",
                    name=metric_name,
                    key=key,
                    mentions=[
                        Mention.model_construct(text=written, start=ms, end=me, field=ctx.field, extractor=RESULTS)
                    ],
                    confidence=confidence,
                    extractors=[RESULTS],
                )
            )
            self.etype[metric_id] = "Metric"
            self.found.relations.append(
                Relation.model_construct(
                    type="MEASURES",
                    head=node_id("Paper", self.paper.id),
                    tail=metric_id,
                    evidence=ctx.evidence(None, (ms, me), RESULTS, confidence),
                )
            )
        return metric_id


def attach(paper: Paper, docs: dict[str, Doc], found: PaperEntities) -> list[Result]:
    """Add the components' relations (to ``found``) and return the results, in text order."""
    attacher = Attacher(paper, found)
    for fld, doc in docs.items():
        by_sentence: dict[tuple[int, int], tuple[list[dict], list[dict]]] = defaultdict(lambda: ([], []))
        for r in doc._.kg_relations or []:
            by_sentence[tuple(r["sentence"])][0].append(r)
        for r in doc._.kg_results or []:
            by_sentence[tuple(r["sentence"])][1].append(r)
        text = text_of(doc)
        for s0, s1 in sorted(by_sentence):  # stable within a sentence: rules before the model
            ctx = SentenceContext(fld, s0, text[s0:s1])
            relations, results = by_sentence[(s0, s1)]
            for r in relations:
                attacher.relation(ctx, r)
            for r in results:
                attacher.result(ctx, r)
    return attacher.results
