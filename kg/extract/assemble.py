"""From processed Docs to one paper's :class:`~kg.model.Extraction`.

The components leave plain candidates on each Doc (kg/extract/candidates.py); the NER leaves
``doc.ents``. Here they become mentions, are cleaned and de-overlapped by extractor priority,
grouped into one entity per thing in the paper (canonical key + acronym definitions), and
linked to the paper (PROPOSES, USES, …) with the sentence that says so.

Records are built with ``model_construct`` (no validation): this is the hot path, the values
are our own, and tests validate every output line against schemas/extraction.schema.json.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc

from kg.extract.candidates import candidates, text_of
from kg.extract.names import common_words
from kg.extract.proposals import find_proposals
from kg.model import Entity, Evidence, Extraction, Mention, Paper, Relation, Result
from kg.resolve.keys import canonical_key
from kg.schema import allowed, node_id

SCIENTIFIC = ("Method", "Dataset", "Metric", "Task")
# Which extractor wins a span both claim: sharper rules before broader statistics.
PRIORITY = {"kg_urls": 0, "kg_abbreviations": 1, "kg_lexicon": 2, "kg_dataset_cues": 3,
            "kg_proposals": 4, "kg_results": 5, "propagation": 6, "kg_names": 7, "ner": 8}
NER_CONFIDENCE = 0.6
LOWERCASE_NER_CONFIDENCE = 0.48  # a lowercase phrase the NER alone found: kept only when repeated
ABBREVIATION_CONFIDENCE = 0.7
DEFAULT_MIN_CONFIDENCE = 0.5
_LEADING = re.compile(r"^(?:(?:the|a|an|our|their|its|this|these|those|such|both|each|all|"
                      r"several|various|existing|previous|prior|proposed|novel|new)\s+)+", re.IGNORECASE)
_TRAILING = re.compile(r"[\s,.;:!?)\]}'\"]+$")
_LEAD_PUNCT = re.compile(r"^[\s(\[{'\"]+")
# "top-1 accuracy", "recognition accuracy", "reconstruction error": the modifier names the measure
_METRIC_MODIFIER = re.compile(r"(?:\b[Tt]op-?\d+|\b[a-z]+ion)\s+$")


@lru_cache(maxsize=1)
def generic_keys() -> frozenset[str]:
    text = (resources.files("kg") / "data" / "generic_terms.txt").read_text(encoding="utf-8")
    return frozenset(canonical_key(line) for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _head_nouns() -> list[tuple[str, frozenset[str]]]:
    data = json.loads((resources.files("kg") / "data" / "head_nouns.json").read_text(encoding="utf-8"))
    return [(t, frozenset(data[t])) for t in ("Dataset", "Metric", "Task", "Method")]


def type_by_head(phrase: str) -> str | None:
    words = re.split(r"[\s/]+", phrase.strip().lower())
    last = words[-1] if words else ""
    last_part = last.split("-")[-1]
    for typ, heads in _head_nouns():
        if last in heads or last_part in heads:
            return typ
    return None


def _name_like(text: str) -> bool:
    return any(c.isupper() or c.isdigit() for c in text)


_DATASET_CONTEXT = re.compile(r"\b(?:datasets?|benchmarks?|corpus|corpora|test set|evaluat\w*|experiments?|"
                              r"trained on|pre-?trained on|fine-?tuned on|results on|accuracy on)\b",
                              re.IGNORECASE)


_COORDINATION = re.compile(r"\s(?:and|or)\s")
# "Deep Human Parsing with Active Template Regression": a title clause, not one name
_PREPOSITION = re.compile(r"\s(?:with|via|using|for|from|by|towards?|through)\s")
# A mention ends in a noun. A span the NER cut after a modifier ("pixel-wise", "few-shot",
# "Text-based", "text-to", "storage while") is a fragment of a longer phrase, not a thing.
_MODIFIER_END = re.compile(r"(?:-(?:wise|based|aware|free|level|label|shot|task|to|subject|like|specific|"
                           r"agnostic|driven|guided|only|style)|(?:^|\s)(?:while|to|of|and|or|for|with|the|"
                           r"a|an|by|via|low|high|cross|non|pre|post))$", re.IGNORECASE)
_PARTICIPLE = re.compile(r"^[A-Za-z]+-[a-z]+ed$")


def judge_ner(text: str, label: str, sentence: str = "") -> tuple[str, float]:
    """Type and confidence for a statistical NER span.

    The NER was trained on SciERC/SciER, whose annotators marked many generic phrases; on our
    dev gold the raw model has precision ≈ 0.42. A head noun that names a type overrides the
    model's label ("domain generalization" is a Task, "language models" a Method), a lowercase
    "dataset" that is not called one is usually a kind of data ("limited training data"), and a
    single lowercase word is rarely a named method or metric ("augmentation", "robustness").
    """
    by_head = type_by_head(text)
    if by_head and by_head != label:
        label = by_head
    words = text.split()
    if _MODIFIER_END.search(text):
        return label, 0.4
    if label != "Task" and (_COORDINATION.search(text) or _PARTICIPLE.search(text) or _PREPOSITION.search(text)):
        return label, 0.45  # "Russian and Chinese text", "Web-crawled": not one named thing
    if label == "Dataset" and (not _name_like(text) or (by_head != "Dataset" and not _DATASET_CONTEXT.search(sentence))
                               or (len(words) == 1 and text.lower() in common_words())):
        # Dataset names carry capitals or digits ("a multi-object dataset" describes one);
        # a capitalised ordinary word ("Russian") is a language, not a corpus
        return label, 0.4
    if len(words) == 1 and not _name_like(text) and label in ("Method", "Metric", "Dataset"):
        return label, 0.4
    if label == "Method" and not _name_like(text):
        return label, LOWERCASE_NER_CONFIDENCE
    if label == "Metric" and not _name_like(text) and by_head != "Metric":
        return label, 0.45  # "computational efficiency": a quality, not a measure with a number
    return label, NER_CONFIDENCE + (0.1 if _name_like(text) else 0.0)


@dataclass
class _Mention:
    field: str
    start: int
    end: int
    text: str
    type: str
    extractor: str
    confidence: float
    proposed: bool = False
    canonical: str | None = None
    key: str | None = None
    url: str | None = None

    @property
    def priority(self) -> int:
        return PRIORITY.get(self.extractor, 9)


@dataclass
class _Group:
    type: str
    key: str
    mentions: list[_Mention] = field(default_factory=list)


def clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim determiners ("the", "our"), brackets and trailing punctuation from a span."""
    s = text[start:end]
    m = _LEAD_PUNCT.match(s)
    if m:
        start += m.end()
        s = s[m.end():]
    m = _LEADING.match(s)
    if m and m.end() < len(s):
        start += m.end()
        s = s[m.end():]
    m = _TRAILING.search(s)
    if m and m.start() > 0:
        end = start + m.start()
    # spaCy's tokenizer splits units off numbers ("ImageNet-1K" → "ImageNet-1", "K"): a span
    # never ends inside a word
    # (over letters and digits only: "Transformer-based" stays "Transformer")
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def is_generic(text: str) -> bool:
    key = canonical_key(text)
    return not key or key in generic_keys() or key.replace("-", "").isdigit() or len(key) < 2


class _Sentences:
    """Sentence lookup for one field's Doc: (sentence text, its start offset) for an offset."""

    def __init__(self, doc: Doc):
        self.text = text_of(doc)
        self.bounds = [(s.start_char, s.end_char) for s in doc.sents] if len(doc) else [(0, 0)]
        self.starts = [s for s, _ in self.bounds]

    def at(self, offset: int) -> tuple[str, int]:
        # bisect: a 1 MB abstract has thousands of sentences and mentions
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0:
            s, e = self.bounds[i]
            if s <= offset < e or offset == e == len(self.text):
                return self.text[s:e], s
        return self.text, 0


def _raw_mentions(paper: Paper, docs: dict[str, Doc],
                  sents: dict[str, "_Sentences"]) -> tuple[list[_Mention], list[tuple[_Mention, _Mention]]]:
    mentions: list[_Mention] = []
    pairs: list[tuple[_Mention, _Mention]] = []
    for fld, doc in docs.items():
        text = text_of(doc)
        for ent in doc.ents:
            if ent.label_ in SCIENTIFIC:
                label, conf = judge_ner(ent.text, ent.label_, sents[fld].at(ent.start_char)[0])
                mentions.append(_Mention(fld, ent.start_char, ent.end_char, ent.text, label, "ner", conf))
        for c in candidates(doc):
            mentions.append(_Mention(fld, c["start"], c["end"], text[c["start"]:c["end"]], c["label"],
                                     c["extractor"], float(c["confidence"]), bool(c.get("proposed")),
                                     c.get("canonical"), c.get("key"), c.get("url")))
        if fld == "title":
            for p in find_proposals(text, title=True):
                name = text[p.start:p.end]
                # A plain-word prefix ("Towards Better Alignment:") is a name only if the
                # abstract uses it too.
                if p.confidence >= 0.9 or re.search(rf"\b{re.escape(name)}\b", paper.abstract):
                    mentions.append(_Mention(fld, p.start, p.end, name, p.type, "kg_proposals",
                                             p.confidence, True))
        for a in doc._.kg_abbreviations or []:
            (ss, se), (ls, le) = a["short"], a["long"]
            short = _Mention(fld, ss, se, text[ss:se], "", "kg_abbreviations", ABBREVIATION_CONFIDENCE)
            long = _Mention(fld, ls, le, text[ls:le], "", "kg_abbreviations", ABBREVIATION_CONFIDENCE)
            pairs.append((short, long))
    return mentions, pairs


_PROPOSE_VERB = re.compile(r"\b(?:[Ww]e|[Tt]his (?:paper|work)|[Hh]ere,? we)\s+(?:\w+\s+)?"
                           r"(?:propose|introduce|present|develop|design)s?\b")


def _mark_proposed_objects(mentions: list[_Mention], sents: dict[str, "_Sentences"]) -> None:
    """"We propose a novel weighted-merge method …": the first Method after the verb is the
    paper's own, named or not (the name rules only see names)."""
    by_sentence: dict[tuple[str, int], list[_Mention]] = defaultdict(list)
    for m in mentions:
        if m.field == "abstract" and m.type == "Method":
            by_sentence[(m.field, sents[m.field].at(m.start)[1])].append(m)
    for (fld, s0), ms in by_sentence.items():
        sentence = sents[fld].at(s0)[0]
        verb = _PROPOSE_VERB.search(sentence)
        if not verb:
            continue
        after = sorted((m for m in ms if m.start - s0 >= verb.end()), key=lambda m: m.start)
        if after and after[0].start - s0 - verb.end() < 80 and not any(x.proposed for x in ms):
            after[0].proposed = True


def _overlaps(a: _Mention, b: _Mention) -> bool:
    return a.field == b.field and a.start < b.end and b.start < a.end


_WORD_AFTER_PAREN = re.compile(r"\s*\)\s+([A-Za-z-]+)")


def _type_pairs(mentions: list[_Mention], pairs: list[tuple[_Mention, _Mention]],
                texts: dict[str, str]) -> list[_Mention]:
    """Give each acronym definition a type: what another extractor says of either form, else
    the long form's head noun; untypable definitions ("out-of-distribution (OOD)") are dropped."""
    typed: list[_Mention] = []
    for short, long in pairs:
        votes: dict[str, float] = defaultdict(float)
        for m in mentions:
            if m.extractor != "kg_abbreviations" and (_overlaps(m, short) or _overlaps(m, long)):
                votes[m.type] += 1.0 / (1 + m.priority) + (1.0 if m.proposed else 0.0)
        head = type_by_head(long.text)
        if head:
            votes[head] += 1.0  # the expansion's own head noun outweighs any one extractor
        after = _WORD_AFTER_PAREN.match(texts[short.field], short.end)
        named = type_by_head(after.group(1)) if after else None
        if named:
            votes[named] += 1.5  # "… Adaptation (DeLoRA) method": the noun after says what it is
        typ = max(votes, key=lambda t: (votes[t], t)) if votes else None
        if typ is None:
            continue
        proposed = any(m.proposed and (_overlaps(m, short) or _overlaps(m, long)) for m in mentions)
        short.type = long.type = typ
        short.proposed = long.proposed = proposed
        typed += [short, long]
    return typed


def _propagate(paper: Paper, mentions: list[_Mention]) -> list[_Mention]:
    """Other occurrences of acronyms and proposed names: "MMRL projects the space tokens…"."""
    out = []
    seen = set()
    for m in mentions:
        name = m.text
        if not (m.extractor == "kg_abbreviations" and m.text.isupper() or m.proposed) or name in seen:
            continue
        if len(name) < 2 or is_generic(name):
            continue
        seen.add(name)
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
        for fld in ("title", "abstract"):
            for hit in pattern.finditer(paper.text(fld)):
                out.append(_Mention(fld, hit.start(), hit.end(), name, m.type, "propagation",
                                    min(m.confidence, 0.85), m.proposed))
    return out


def _select(mentions: list[_Mention], texts: dict[str, str]) -> list[_Mention]:
    """Clean spans, drop generic ones, and keep the best extractor's claim where spans overlap."""
    cleaned = []
    for m in mentions:
        if m.type not in ("Repository", "Website"):
            m.start, m.end = clean_span(texts[m.field], m.start, m.end)
            if m.type == "Metric":
                k = _METRIC_MODIFIER.search(texts[m.field], max(0, m.start - 40), m.start)
                if k:  # "top-1 accuracy" is not "accuracy"
                    m.start = k.start()
                    m.canonical = None
            m.text = texts[m.field][m.start:m.end]
            if is_generic(m.text):
                continue
        if m.end > m.start:
            cleaned.append(m)
    # Among the rules the longer span wins ("Split ImageNet-R" over "ImageNet", "Mixture-of-Mamba"
    # over "Mamba"), then the sharper rule; the statistical NER only fills what rules left.
    cleaned.sort(key=lambda m: (m.extractor == "ner", -(m.end - m.start), m.priority, m.field, m.start))
    kept: list[_Mention] = []
    # kept spans never overlap, so sorted by start they are sorted by end too: the only one that
    # can overlap a new span is the last one starting before the new span ends
    starts: dict[str, list[int]] = defaultdict(list)
    spans: dict[str, list[_Mention]] = defaultdict(list)
    for m in cleaned:
        i = bisect.bisect_left(starts[m.field], m.end)
        prev = spans[m.field][i - 1] if i else None
        clash = prev if prev is not None and prev.end > m.start else None
        if clash is None:
            kept.append(m)
            starts[m.field].insert(i, m.start)
            spans[m.field].insert(i, m)
        elif (clash.start, clash.end, clash.type) == (m.start, m.end, m.type):
            # same span, same type, another extractor: agreement raises confidence
            clash.confidence = min(0.99, max(clash.confidence, m.confidence) + 0.1)
            clash.proposed = clash.proposed or m.proposed
    kept.sort(key=lambda m: (m.field != "title", m.start))
    return kept


def _group(mentions: list[_Mention], pairs: list[_Mention]) -> list[_Group]:
    """One group per (type, canonical key); acronym and expansion are joined (union–find)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def gkey(m: _Mention) -> tuple[str, str]:
        return m.type, m.key or canonical_key(m.canonical or m.text)

    for i in range(0, len(pairs), 2):
        short, long = pairs[i], pairs[i + 1]
        a, b = find(gkey(long)), find(gkey(short))
        if a != b:
            parent[b] = a  # the expansion's key names the group
    groups: dict[tuple[str, str], _Group] = {}
    for m in mentions:
        root = find(gkey(m))
        groups.setdefault(root, _Group(root[0], root[1])).mentions.append(m)
    return list(groups.values())


def _name(group: _Group) -> str:
    canon = [m.canonical for m in group.mentions if m.canonical]
    if canon:
        return canon[0]
    counts: dict[str, int] = defaultdict(int)
    for m in group.mentions:
        counts[m.text] += 1
    return max(counts, key=lambda t: (counts[t], len(t), t))


def _confidence(group: _Group) -> float:
    best = max(m.confidence for m in group.mentions)
    extractors = {m.extractor for m in group.mentions}
    bonus = 0.05 * (len(extractors) - 1) + (0.05 if len(group.mentions) > 1 else 0.0)
    return round(min(0.99, best + bonus), 3)


def _evidence(m: _Mention, sents: dict[str, _Sentences], extractor: str, confidence: float,
              tail: _Mention | None = None) -> Evidence:
    sentence, s0 = sents[m.field].at(m.start)
    return Evidence.model_construct(field=m.field, sentence=sentence, sentence_start=s0,
                    head=None, tail=(m.start, m.end), extractor=extractor, confidence=confidence)


_EVAL_CUE = re.compile(r"\b(?:evaluat\w*|experiment\w*|benchmark\w*|results?|achiev\w*|outperform\w*|"
                       r"surpass\w*|accuracy|performance|scores?|test\w*|state-of-the-art|sota)\b", re.IGNORECASE)
_TRAIN_CUE = re.compile(r"\b(?:pre-?train\w*|train\w*|fine-?tun\w*|constructed|collected|curated)\b",
                        re.IGNORECASE)


def _dataset_role(ms: list[_Mention], sents: dict[str, "_Sentences"]) -> tuple[_Mention, str]:
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


_PAPER_RELATION = {"Method": "USES", "Dataset": "EVALUATES_ON", "Task": "ADDRESSES",
                   "Metric": "MEASURES", "Repository": "HAS_CODE", "Website": "HAS_PAGE"}


def assemble(paper: Paper, docs: dict[str, Doc], *, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
             extras: "ExtraFinders | None" = None) -> Extraction:
    texts = {f: text_of(d) for f, d in docs.items()}
    sents = {f: _Sentences(d) for f, d in docs.items()}
    raw, pairs = _raw_mentions(paper, docs, sents)
    typed_pairs = _type_pairs(raw, pairs, texts)
    raw = raw + typed_pairs
    raw += _propagate(paper, raw)
    mentions = _select(raw, texts)
    _mark_proposed_objects(mentions, sents)
    # Pair members that lost their span to a better claim still join the groups by key.
    groups = _group(mentions, [m for m in typed_pairs])

    entities: list[Entity] = []
    mention_entity: dict[tuple[str, int, int], str] = {}
    relations: list[Relation] = []
    paper_nid = node_id("Paper", paper.id)
    for g in sorted(groups, key=lambda g: (g.mentions[0].field != "title", g.mentions[0].start)):
        conf = _confidence(g)
        if conf < min_confidence:
            continue
        name = _name(g)
        eid = node_id(g.type, g.key)
        ms = sorted(g.mentions, key=lambda m: (m.field != "title", m.start))
        aliases = sorted({m.text for m in ms if m.text != name})
        proposed = any(m.proposed for m in ms) and g.type in ("Method", "Dataset")
        url = next((m.url for m in ms if m.url), None)
        entities.append(Entity.model_construct(
            id=eid, type=g.type, name=name, key=g.key, aliases=aliases,
            mentions=[Mention.model_construct(text=m.text, start=m.start, end=m.end, field=m.field, extractor=m.extractor)
                      for m in ms],
            confidence=conf, proposed=proposed,
            extractors=sorted({m.extractor for m in ms}), url=url))
        for m in ms:
            mention_entity[(m.field, m.start, m.end)] = eid
        first = ms[0]
        if proposed:
            src = next((m for m in ms if m.proposed), first)
            relations.append(Relation.model_construct(type="PROPOSES", head=paper_nid, tail=eid,
                                      evidence=_evidence(src, sents, src.extractor, conf)))
        rel = _PAPER_RELATION[g.type]
        if g.type == "Dataset":
            first, rel = _dataset_role(ms, sents)
        if not (proposed and g.type == "Method"):
            relations.append(Relation.model_construct(type=rel, head=paper_nid, tail=eid,
                                      evidence=_evidence(first, sents, first.extractor, conf)))

    results: list[Result] = []
    if extras is not None:
        extras.apply(paper, docs, sents, entities, mention_entity, relations, results)
    return Extraction.model_construct(paper=paper, entities=entities, relations=relations, results=results)


class ExtraFinders:
    """Sentence-level finders that run on the final mentions: entity–entity relations and
    results. Each takes (sentence, [(start, end, type)]) with sentence-relative offsets."""

    def __init__(self, relation_finders=(), result_finder=None):
        self.relation_finders = list(relation_finders)
        self.result_finder = result_finder

    def apply(self, paper, docs, sents, entities, mention_entity, relations, results) -> None:
        etype = {e.id: e.type for e in entities}
        by_field: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for (fld, s, e), eid in mention_entity.items():
            by_field[fld].append((s, e, eid))
        seen_rel: set[tuple[str, str, str]] = set()
        seen_res: set[str] = set()
        for fld, sent_index in sents.items():
            spans = sorted(by_field.get(fld, []))
            span_starts = [s for s, _, _ in spans]
            for s0, s1 in sent_index.bounds:
                lo, hi = bisect.bisect_left(span_starts, s0), bisect.bisect_right(span_starts, s1)
                inside = [(s, e, eid) for s, e, eid in spans[lo:hi] if e <= s1]
                sentence = sent_index.text[s0:s1]
                local = [(s - s0, e - s0, etype[eid]) for s, e, eid in inside]
                lookup = {(s - s0, e - s0): eid for s, e, eid in inside}
                if len(local) >= 2:
                    for finder in self.relation_finders:
                        for r in finder(sentence, local):
                            h, t = lookup.get(tuple(r["head"])), lookup.get(tuple(r["tail"]))
                            if not h or not t or h == t or (r["type"], h, t) in seen_rel:
                                continue
                            if not allowed(r["type"], etype[h], etype[t]):
                                continue
                            seen_rel.add((r["type"], h, t))
                            relations.append(Relation.model_construct(type=r["type"], head=h, tail=t, evidence=Evidence.model_construct(
                                field=fld, sentence=sentence, sentence_start=s0,
                                head=(r["head"][0] + s0, r["head"][1] + s0),
                                tail=(r["tail"][0] + s0, r["tail"][1] + s0),
                                extractor=r["extractor"], confidence=round(float(r["confidence"]), 3))))
                if self.result_finder is not None:
                    self._results(paper, fld, sentence, s0, local, lookup, entities, etype, relations,
                                  results, seen_res)

    def _results(self, paper, fld, sentence, s0, local, lookup, entities, etype, relations, results,
                 seen_res) -> None:
        for r in self.result_finder(sentence, local):
            ms, me = r["metric"]
            metric_id = lookup.get((ms, me))
            if metric_id is None:
                metric_name = r.get("metric_name") or sentence[ms:me]
                key = canonical_key(metric_name)
                if not key:
                    continue
                metric_id = node_id("Metric", key)
                if metric_id not in etype:
                    entities.append(Entity.model_construct(
                        id=metric_id, type="Metric", name=metric_name, key=key,
                        mentions=[Mention.model_construct(text=sentence[ms:me], start=ms + s0, end=me + s0, field=fld,
                                          extractor="kg_results")],
                        confidence=round(float(r["confidence"]), 3), extractors=["kg_results"]))
                    etype[metric_id] = "Metric"
                    relations.append(Relation.model_construct(type="MEASURES", head=node_id("Paper", paper.id), tail=metric_id,
                                              evidence=Evidence.model_construct(field=fld, sentence=sentence, sentence_start=s0,
                                                                tail=(ms + s0, me + s0), extractor="kg_results",
                                                                confidence=round(float(r["confidence"]), 3))))
            dataset = lookup.get(tuple(r["dataset"])) if r.get("dataset") else None
            method = lookup.get(tuple(r["method"])) if r.get("method") else None
            dataset = dataset if dataset and etype.get(dataset) == "Dataset" else None
            method = method if method and etype.get(method) == "Method" else None
            digest = hashlib.sha1(json.dumps([paper.id, metric_id, r["value"], r.get("unit"), r["kind"],
                                              dataset, method], sort_keys=True).encode()).hexdigest()[:16]
            rid = node_id("Result", digest)
            if rid in seen_res:
                continue
            seen_res.add(rid)
            vs, ve = r.get("value_span") or r["metric"]
            results.append(Result.model_construct(
                id=rid, metric=metric_id, metric_name=sentence[ms:me],  # as the paper writes it
                value=float(r["value"]), value_text=r["value_text"], unit=r.get("unit"), kind=r["kind"],
                direction=r.get("direction"), range_high=r.get("range_high"), dataset=dataset, method=method,
                evidence=Evidence.model_construct(field=fld, sentence=sentence, sentence_start=s0, head=(ms + s0, me + s0),
                                  tail=(vs + s0, ve + s0), extractor="kg_results",
                                  confidence=round(float(r["confidence"]), 3))))


