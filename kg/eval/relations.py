"""SciERC / SciER relation evaluation in the standard settings, over our types.

Settings:
    ``rel``   gold entities are given; a predicted relation is correct when both argument
              spans and the relation type match the gold.
    ``rel+``  end to end: entities come from an NER pipeline run on the gold tokenization; a
              relation is correct when both argument boundaries, both entity types and the
              relation type match (``micro``). ``boundaries`` scores the same predictions
              without the entity types (boundaries + relation type only).

Scope: only our entity types take part (SciERC Material → Dataset; OtherScientificTerm and
Generic arguments are outside it), so the gold is the relations whose two arguments are
Method/Dataset/Metric/Task — 367 of SciERC test's 974 relations. Figures are therefore not
directly comparable with papers that score all six SciERC entity types.

Direction: for the symmetric types (COMPARED_WITH, CONJUNCTION) direction does not matter —
SciERC writes them in text order 90% of the time but not always, and a conjunction has no
head. ``directed_symmetric=True`` scores them as written instead. All other types must match
head and tail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.eval.corpora import PTB_BRACKETS, SCIER_LABELS, SCIERC_LABELS, corpus_path, jsonl_records
from kg.extract.relation_model import (
    SCIER_RELATIONS,
    SCIERC_RELATIONS,
    SYMMETRIC,
    RelationModel,
    load_model,
    predict_relations,
)

__all__ = [
    "CORPUS_RELATION_TYPES",
    "RelationDoc",
    "arguments_found",
    "evaluate_relations",
    "format_relation_table",
    "predicted_mentions",
    "read_relation_corpus",
    "read_scier_relations",
    "read_scierc_relations",
]

CORPUS_RELATION_TYPES: dict[str, frozenset[str]] = {
    "scierc": frozenset(SCIERC_RELATIONS.values()),
    "scier": frozenset(SCIER_RELATIONS.values()),
}
SETTINGS = ("rel", "rel+")
DEFAULT_NER = Path(__file__).resolve().parents[1] / "models" / "sci_ner"

TokenSpan = tuple[int, int]


@dataclass
class RelationDoc:
    """A text in gold tokenization: token spans are (start, end exclusive)."""

    id: str
    words: list[str]
    sentences: list[TokenSpan]
    entities: list[tuple[int, int, str]]
    relations: list[tuple[TokenSpan, TokenSpan, str]]  # (head, tail, our relation type)
    dataset: str
    _offsets: list[int] = field(default_factory=list, repr=False)

    @property
    def text(self) -> str:
        """The words joined by single spaces: the text every char offset refers to."""
        return " ".join(self.words)

    def char_start(self, token: int) -> int:
        if not self._offsets:
            pos = 0
            for w in self.words:
                self._offsets.append(pos)
                pos += len(w) + 1
            self._offsets.append(pos)
        return self._offsets[token]

    def char_span(self, span: TokenSpan) -> tuple[int, int]:
        return self.char_start(span[0]), self.char_start(span[1]) - 1

    def char_sentences(self) -> list[tuple[int, int]]:
        return [self.char_span(s) for s in self.sentences]

    def char_mentions(self) -> list[tuple[int, int, str]]:
        return [(*self.char_span((s, e)), label) for s, e, label in self.entities]

    def token_span(self, char_span: tuple[int, int]) -> TokenSpan:
        import bisect

        self.char_start(0)
        return (
            bisect.bisect_right(self._offsets, char_span[0]) - 1,
            bisect.bisect_left(self._offsets, char_span[1] + 1),
        )


def read_scierc_relations(path: Path, keep_other_types: bool = False) -> Iterator[RelationDoc]:
    """SciERC abstracts with entities and relations mapped to our types.

    With ``keep_other_types`` OtherScientificTerm/Generic mentions stay (under those names),
    with their relations — a trainer may use them as extra context; evaluation does not.
    """
    for doc in jsonl_records(path):
        words = [PTB_BRACKETS.get(w, w) for sent in doc["sentences"] for w in sent]
        sentences, pos = [], 0
        for sent in doc["sentences"]:
            sentences.append((pos, pos + len(sent)))
            pos += len(sent)
        types: dict[TokenSpan, str] = {}
        for sent_ents in doc["ner"]:
            for s, e, label in sent_ents:
                if label in SCIERC_LABELS:
                    types[(s, e + 1)] = SCIERC_LABELS[label]
                elif keep_other_types:
                    types[(s, e + 1)] = label
        relations = [
            ((hs, he + 1), (ts, te + 1), SCIERC_RELATIONS[r])
            for sent_rels in doc["relations"]
            for hs, he, ts, te, r in sent_rels
            if (hs, he + 1) in types and (ts, te + 1) in types
        ]
        entities = sorted((s, e, t) for (s, e), t in types.items())
        yield RelationDoc(doc["doc_key"], words, sentences, entities, relations, "scierc")


def read_scier_relations(path: Path) -> Iterator[RelationDoc]:
    """SciER sentences, one RelationDoc each; entity strings are located in the tokens.

    Every occurrence of an entity string is a mention (longest strings first); a relation
    links the first occurrences of its two strings. Synonym-Of is dropped (see the
    relation_model table).
    """
    counts: Counter[str] = Counter()
    for rec in jsonl_records(path):
        words = rec["sentence"].split()
        first: dict[str, TokenSpan] = {}
        taken = [False] * len(words)
        entities: list[tuple[int, int, str]] = []
        for text, label in sorted(
            {(t, lab) for t, lab in rec["ner"] if lab in SCIER_LABELS}, key=lambda e: -len(e[0].split())
        ):
            ent = text.split()
            n = len(ent)
            for i in range(len(words) - n + 1):
                if words[i : i + n] == ent and not any(taken[i : i + n]):
                    entities.append((i, i + n, SCIER_LABELS[label]))
                    first.setdefault(text, (i, i + n))
                    taken[i : i + n] = [True] * n
        relations = [
            (first[h], first[t], SCIER_RELATIONS[r])
            for h, r, t in rec["rel"]
            if r in SCIER_RELATIONS and h in first and t in first and first[h] != first[t]
        ]
        n_seen = counts[rec["doc_id"]]
        counts[rec["doc_id"]] += 1
        yield RelationDoc(f"{rec['doc_id']}#{n_seen}", words, [(0, len(words))], sorted(entities), relations, "scier")


def read_relation_corpus(
    dataset: str, split: str, path: Path | None = None, keep_other_types: bool = False
) -> list[RelationDoc]:
    """Read ``dataset`` ("scierc" | "scier") ``split`` from ``path`` or the shared directory."""
    path = path or corpus_path(dataset, split)
    if not path.exists():
        raise FileNotFoundError(f"{dataset} {split} not found at {path}")
    if dataset == "scierc":
        return list(read_scierc_relations(path, keep_other_types))
    return list(read_scier_relations(path))


Triple = tuple[TokenSpan, str, TokenSpan, str, str]  # head, head type, tail, tail type, relation


def _key(t: Triple, typed: bool, directed_symmetric: bool) -> tuple[Any, ...]:
    head, ht, tail, tt, rel = t
    args = [(head, ht if typed else ""), (tail, tt if typed else "")]
    if rel in SYMMETRIC and not directed_symmetric:
        args.sort()
    return (rel, *args)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def score_triples(
    gold: Sequence[set[Triple]], pred: Sequence[set[Triple]], typed: bool = True, directed_symmetric: bool = False
) -> dict[str, Any]:
    """Micro and per-type P/R/F1 of predicted against gold triples, document by document."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g_doc, p_doc in zip(gold, pred, strict=True):
        g = {_key(t, typed, directed_symmetric) for t in g_doc}
        p = {_key(t, typed, directed_symmetric) for t in p_doc}
        for k in p:
            (tp if k in g else fp)[k[0]] += 1
        for k in g - p:
            fn[k[0]] += 1
    types = sorted(set(tp) | set(fp) | set(fn))
    return {
        "micro": _prf(sum(tp.values()), sum(fp.values()), sum(fn.values())),
        "per_type": {t: _prf(tp[t], fp[t], fn[t]) for t in types},
    }


def gold_triples(doc: RelationDoc) -> set[Triple]:
    types = {(s, e): t for s, e, t in doc.entities}
    return {(h, types[h], t, types[t], r) for h, t, r in doc.relations}


def predicted_triples(
    doc: RelationDoc,
    mentions: Sequence[tuple[int, int, str]],
    model: RelationModel,
    relation_types: frozenset[str] | None,
) -> set[Triple]:
    """Relations the model finds among char-offset ``mentions`` of ``doc.text``, as token spans."""
    out: set[Triple] = set()
    for r in predict_relations(doc.text, mentions, doc.char_sentences(), model, relation_types=relation_types):
        out.add((doc.token_span(r["head"]), r["head_label"], doc.token_span(r["tail"]), r["tail_label"], r["type"]))
    return out


def ner_mentions(doc: RelationDoc, nlp: Any, entities: Any = lambda d: d.ents) -> list[tuple[int, int, str]]:
    """Entities the NER pipeline finds on the gold tokenization, as char-offset mentions
    (``entities(doc)``: see :func:`kg.eval.ner.entity_reader`)."""
    from spacy.tokens import Doc

    sent_starts: list[bool | int | None] = [False] * len(doc.words)  # Doc's parameter type
    for s, _ in doc.sentences:
        if s < len(sent_starts):
            sent_starts[s] = True
    spacy_doc = Doc(nlp.vocab, words=doc.words, spaces=[True] * (len(doc.words) - 1) + [False], sent_starts=sent_starts)
    for _, proc in nlp.pipeline:
        spacy_doc = proc(spacy_doc)
    return [(e.start_char, e.end_char, e.label_) for e in entities(spacy_doc)]


def predicted_mentions(
    docs: Sequence[RelationDoc], nlp: Any, dataset: str, head: str = "auto"
) -> list[list[tuple[int, int, str]]]:
    """Per doc, the char-offset mentions of the NER pipeline ``nlp`` (the ``rel+`` input),
    with ``head`` picking its entities as in :func:`kg.eval.ner.entity_reader`."""
    from kg.eval.ner import entity_reader

    with entity_reader(nlp, dataset, head) as entities:
        return [ner_mentions(d, nlp, entities) for d in docs]


def evaluate_relations(
    dataset: str = "scierc",
    split: str = "test",
    path: Path | None = None,
    nlp: Any = None,
    setting: str = "rel",
    model: RelationModel | None = None,
    directed_symmetric: bool = False,
    docs: Sequence[RelationDoc] | None = None,
    head: str = "auto",
    mentions: Sequence[Sequence[tuple[int, int, str]]] | None = None,
) -> dict[str, Any]:
    """Score the relation model on a corpus split; see the module docstring for the settings.

    ``nlp`` (``rel+`` only) is the NER pipeline; when None, ``kg/models/sci_ner`` is loaded;
    ``head`` picks its entities as in :func:`kg.eval.ner.entity_reader`. ``mentions``
    (``rel+`` only; :func:`predicted_mentions` of ``docs``) spares the NER pass when one
    split is scored many times, as in training. The model is asked only for the relation
    types the corpus annotates.
    """
    if setting not in SETTINGS:
        raise ValueError(f"unknown setting {setting!r}; expected one of {SETTINGS}")
    model = model or load_model()
    docs = list(docs) if docs is not None else read_relation_corpus(dataset, split, path)
    relation_types = CORPUS_RELATION_TYPES[dataset]
    if setting == "rel":
        mentions = [d.char_mentions() for d in docs]
    elif mentions is None:
        if nlp is None:
            import spacy

            if not DEFAULT_NER.exists():
                raise FileNotFoundError(f"no NER pipeline at {DEFAULT_NER}; pass nlp=")
            nlp = spacy.load(DEFAULT_NER)
        mentions = predicted_mentions(docs, nlp, dataset, head)
    gold = [gold_triples(d) for d in docs]
    pred = []
    found = {"typed": 0, "boundaries": 0}
    for d, g, ms in zip(docs, gold, mentions, strict=True):
        pred.append(predicted_triples(d, ms, model, relation_types))
        if setting == "rel+":
            for key, n in arguments_found(d, ms, g).items():
                found[key] += n
    result: dict[str, Any] = {
        "dataset": dataset,
        "split": split,
        "setting": setting,
        "docs": len(docs),
        "gold": sum(len(g) for g in gold),
        **score_triples(gold, pred, True, directed_symmetric),
    }
    if setting == "rel+":
        result["boundaries"] = score_triples(gold, pred, False, directed_symmetric)["micro"]
        result["arguments_found"] = found
    return result


def arguments_found(doc: RelationDoc, mentions: Sequence[tuple[int, int, str]], gold: set[Triple]) -> dict[str, int]:
    """How many gold relations have both arguments among ``mentions``: with their types
    (``typed``) and as spans only (``boundaries``). End to end, no relation classifier can
    recall more than these, so they tell NER misses from classifier misses."""
    spans = {doc.token_span((s, e)): label for s, e, label in mentions}
    typed = sum(spans.get(h) == ht and spans.get(t) == tt for h, ht, t, tt, _ in gold)
    bounds = sum(h in spans and t in spans for h, _, t, _, _ in gold)
    return {"typed": typed, "boundaries": bounds}


def relation_rows(result: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label, scores) of a result of :func:`evaluate_relations`: each type, micro, and micro on
    boundaries alone where it was scored (rel+)."""
    rows = [*result["per_type"].items(), ("micro", result["micro"])]
    if "boundaries" in result:
        rows.append(("micro (bounds)", result["boundaries"]))
    return rows


def format_relation_table(result: dict[str, Any]) -> str:
    """A plain-text table of a result of :func:`evaluate_relations`."""
    lines = [
        f"{result['dataset']} {result['split']} relations, setting {result['setting']} "
        f"({result['docs']} docs, {result['gold']} gold)",
        f"{'type':<16}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}",
    ]
    for name, s in relation_rows(result):
        lines.append(f"{name:<16}{s['p']:>8.3f}{s['r']:>8.3f}{s['f1']:>8.3f}{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}")
    if "arguments_found" in result and result["gold"]:
        found, total = result["arguments_found"], result["gold"]
        lines.append(
            f"gold relations whose two arguments the NER found: {found['typed']} of {total} "
            f"({found['typed'] / total:.3f}) with types, {found['boundaries']} "
            f"({found['boundaries'] / total:.3f}) as spans: the recall ceiling end to end"
        )
    return "\n".join(lines)
