"""From one paper's processed Docs to its :class:`~kg.model.Extraction`, in two steps around the
pipeline's second stage.

1. :func:`resolve` (after the NER and the rule components): the candidates of title and abstract
   together become the paper's entities — NER spans judged (judge.py), spans cleaned and
   overlaps decided by extractor priority (spans.py), acronyms typed and propagated, mentions
   grouped (grouping.py), groups kept by confidence and linked to the paper (paper_relations.py)
   — and the kept mentions are written to each Doc as ``doc._.kg_mentions``.
2. The sentence-level components (kg_relation_rules, kg_relation_model, kg_results) run on those
   mentions; :func:`assemble` attaches what they wrote (attach.py).

Records are built with ``model_construct`` (no validation): this is the hot path, the values
are our own, and tests validate every output line against schemas/extraction.schema.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from kg.extract.abbreviations import EXTRACTOR as ABBREVIATIONS
from kg.extract.attach import attach
from kg.extract.candidates import candidates, text_of
from kg.extract.grouping import group as group_mentions
from kg.extract.grouping import mark_proposed_objects, propagate, propagate_kept, type_pairs
from kg.extract.judge import NER as NER_JUDGING
from kg.extract.judge import NerConfidences, judge_ner, type_of_mention
from kg.extract.mentions import set_mentions
from kg.extract.paper_relations import PaperEntities, paper_entities
from kg.extract.registry import NER, NER_PRIORITY, PRIORITY
from kg.extract.sentences import SentenceIndex
from kg.extract.spans import UNRANKED, PaperMention, select
from kg.model import Extraction, Paper
from kg.schema import SCIENTIFIC_TYPES

DEFAULT_MIN_CONFIDENCE = 0.5


@dataclass
class Resolution:
    """What step 1 decided for one paper."""

    found: PaperEntities
    sents: dict[str, SentenceIndex]


def _raw_mentions(
    paper: Paper,
    docs: dict[str, Doc],
    sents: dict[str, SentenceIndex],
    ranks: dict[str, int],
    judging: NerConfidences = NER_JUDGING,
) -> tuple[list[PaperMention], list[tuple[PaperMention, PaperMention]]]:
    mentions: list[PaperMention] = []
    pairs: list[tuple[PaperMention, PaperMention]] = []
    pair_rank = ranks.get(ABBREVIATIONS, UNRANKED)
    for fld, doc in docs.items():
        text = text_of(doc)
        scores = doc._.kg_ner_scores or {}
        for ent in doc.ents:
            if ent.label_ in SCIENTIFIC_TYPES:
                score = scores.get((ent.start_char, ent.end_char))
                before = text[max(0, ent.start_char - 30) : ent.start_char]
                j = judge_ner(ent.text, ent.label_, sents[fld].at(ent.start_char)[0], judging, score, before)
                mentions.append(
                    PaperMention(
                        fld,
                        ent.start_char,
                        ent.end_char,
                        ent.text,
                        type_of_mention(ent.text, j.type),
                        NER,
                        j.confidence,
                        priority=ranks[NER],
                        needs_repeat=j.needs_repeat,
                    )
                )
        for c in candidates(doc):
            name = text[c["start"] : c["end"]]
            support = c.get("confirm_in")
            # A claim the component could not make alone ("Towards Better Alignment:" names a
            # method only if the abstract uses it too) stands when that field repeats the name.
            if support and not re.search(rf"\b{re.escape(name)}\b", paper.text(support)):
                continue
            mentions.append(
                PaperMention(
                    fld,
                    c["start"],
                    c["end"],
                    name,
                    type_of_mention(name, c["label"]),
                    c["extractor"],
                    float(c["confidence"]),
                    bool(c.get("proposed")),
                    c.get("canonical"),
                    c.get("key"),
                    c.get("url"),
                    ranks.get(c["extractor"], UNRANKED),
                    yields=bool(c.get("yields")),
                )
            )
        for a in doc._.kg_abbreviations or []:
            (ss, se), (ls, le) = a["short"], a["long"]
            conf = a["confidence"]
            pairs.append(
                (
                    PaperMention(fld, ss, se, text[ss:se], "", ABBREVIATIONS, conf, priority=pair_rank),
                    PaperMention(fld, ls, le, text[ls:le], "", ABBREVIATIONS, conf, priority=pair_rank),
                )
            )
    return mentions, pairs


def resolve(
    paper: Paper,
    docs: dict[str, Doc],
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ranks: dict[str, int] | None = None,
    judging: NerConfidences = NER_JUDGING,
) -> Resolution:
    """Step 1: the paper's entities and paper-level relations from the candidates on its Docs;
    writes the kept mentions to each Doc (``doc._.kg_mentions``). ``ranks``: extractor priority
    by the name candidates carry (registry.instance_priorities); by default by factory name.
    ``judging``: how the NER's spans are judged (judge.ner_confidences of the pipeline)."""
    ranks = ranks if ranks is not None else {**PRIORITY, NER: NER_PRIORITY}
    texts = {f: text_of(d) for f, d in docs.items()}
    sents = {f: SentenceIndex(d) for f, d in docs.items()}
    raw, pairs = _raw_mentions(paper, docs, sents, ranks, judging)
    typed_pairs = type_pairs(raw, pairs, texts)
    raw = raw + typed_pairs
    raw += propagate(paper, raw, ABBREVIATIONS)
    mentions = select(raw, texts)
    mark_proposed_objects(mentions, sents)
    mentions += propagate_kept(paper, mentions)
    # Pair members that lost their span to a better claim still join the groups by key.
    groups = group_mentions(mentions, typed_pairs)
    found = paper_entities(paper, groups, sents, min_confidence)
    etype = {e.id: e.type for e in found.entities}
    for fld, doc in docs.items():
        set_mentions(
            doc, sorted((s, e, etype[eid], eid) for (f, s, e), eid in found.mention_entity.items() if f == fld)
        )
    return Resolution(found, sents)


def assemble(paper: Paper, docs: dict[str, Doc], resolution: Resolution) -> Extraction:
    """Step 2's output attached: the paper's Extraction."""
    results = attach(paper, docs, resolution.found)
    return Extraction.model_construct(
        paper=paper, entities=resolution.found.entities, relations=resolution.found.relations, results=results
    )
