"""Groups become entities, linked to the paper: PROPOSES, USES, EVALUATES_ON, ADDRESSES, …
with the sentence that says so."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.grouping import Group
from kg.extract.sentences import SentenceIndex
from kg.extract.spans import PaperMention
from kg.model import Entity, Evidence, Mention, Paper, Relation
from kg.schema import node_id

_PAPER_RELATION = {
    "Method": "USES",
    "Dataset": "EVALUATES_ON",
    "Task": "ADDRESSES",
    "Metric": "MEASURES",
    "Repository": "HAS_CODE",
    "Website": "HAS_PAGE",
}
_EVAL_CUE = re.compile(
    r"\b(?:evaluat\w*|experiment\w*|benchmark\w*|results?|achiev\w*|outperform\w*|"
    r"surpass\w*|accuracy|performance|scores?|test\w*|state-of-the-art|sota)\b",
    re.IGNORECASE,
)
_TRAIN_CUE = re.compile(r"\b(?:pre-?train\w*|train\w*|fine-?tun\w*|constructed|collected|curated)\b", re.IGNORECASE)


@dataclass
class PaperEntities:
    """The paper's entities and its paper-level relations; ``mention_entity`` maps each kept
    mention (field, start, end) to its entity id."""

    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    mention_entity: dict[tuple[str, int, int], str] = field(default_factory=dict)


def evidence(m: PaperMention, sents: dict[str, SentenceIndex], confidence: float) -> Evidence:
    sentence, s0 = sents[m.field].at(m.start)
    return Evidence.model_construct(
        field=m.field,
        sentence=sentence,
        sentence_start=s0,
        head=None,
        tail=(m.start, m.end),
        extractor=m.extractor,
        confidence=confidence,
    )


def _dataset_role(ms: list[PaperMention], sents: dict[str, SentenceIndex]) -> tuple[PaperMention, str]:
    """EVALUATES_ON where a sentence evaluates on the dataset, USES where the paper only trains on
    it ("five standard pretraining datasets (CC-3M, …)"); the mention whose sentence says so."""
    trained = None
    for m in ms:
        sentence = sents[m.field].at(m.start)[0]
        if _EVAL_CUE.search(sentence):
            return m, "EVALUATES_ON"
        if trained is None and _TRAIN_CUE.search(sentence):
            trained = m
    return (trained, "USES") if trained else (ms[0], "EVALUATES_ON")


def paper_entities(
    paper: Paper, groups: list[Group], sents: dict[str, SentenceIndex], min_confidence: float
) -> PaperEntities:
    out = PaperEntities()
    paper_nid = node_id("Paper", paper.id)
    for g in sorted(groups, key=lambda g: (g.mentions[0].field != "title", g.mentions[0].start)):
        if not g.kept(min_confidence):
            continue
        conf = g.confidence
        name = g.name
        eid = node_id(g.type, g.key)
        ms = sorted(g.mentions, key=lambda m: (m.field != "title", m.start))
        aliases = sorted({m.text for m in ms if m.text != name})
        proposed = any(m.proposed for m in ms) and g.type in ("Method", "Dataset")
        url = next((m.url for m in ms if m.url), None)
        out.entities.append(
            Entity.model_construct(
                id=eid,
                type=g.type,
                name=name,
                key=g.key,
                aliases=aliases,
                mentions=[
                    Mention.model_construct(text=m.text, start=m.start, end=m.end, field=m.field, extractor=m.extractor)
                    for m in ms
                ],
                confidence=conf,
                proposed=proposed,
                extractors=sorted({m.extractor for m in ms}),
                url=url,
            )
        )
        for m in ms:
            out.mention_entity[(m.field, m.start, m.end)] = eid
        first = ms[0]
        if proposed:
            src = next((m for m in ms if m.proposed), first)
            out.relations.append(
                Relation.model_construct(type="PROPOSES", head=paper_nid, tail=eid, evidence=evidence(src, sents, conf))
            )
        rel = _PAPER_RELATION[g.type]
        if g.type == "Dataset":
            first, rel = _dataset_role(ms, sents)
        if not (proposed and g.type == "Method"):
            out.relations.append(
                Relation.model_construct(type=rel, head=paper_nid, tail=eid, evidence=evidence(first, sents, conf))
            )
    return out
