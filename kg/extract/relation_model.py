"""A trained classifier of the relation between two typed mentions in one sentence.

For every pair of non-overlapping mentions inside a sentence (taken in text order, A before B)
a multinomial logistic regression over hashed sparse features picks one label: ``NONE``,
``T>`` (A is the head of T), ``T<`` (B is the head) or, for the symmetric types, ``T`` (the
earlier mention is written as the head). Decoding only considers labels that
:func:`kg.schema.allowed` accepts for the two mentions' types, so every output fits the graph.
Inference needs numpy only (spaCy just for the thin factory at the end); the weights are a
small ``.npz`` in ``kg/models/relations/`` (trained by ``scripts/train_relations.py``).

Features (hashed with CRC32, so stable across processes): the type pair; token distance and
number of mentions between (bucketed, also conjoined with the type pair); the words between
as a bag, the first and last of them and the whole gap when short; marker phrases between
(of, for, on, with, such as, and, …) conjoined with the type pair; each mention's words and
head (last) word; one and two words of context either side.

Corpus relation types → ours (kg.schema.ENTITY_RELATIONS):

| SciERC        | SciER                   | ours          | symmetric |
|---------------|-------------------------|---------------|-----------|
| USED-FOR      | Used-For                | USED_FOR      |           |
| FEATURE-OF    | —                       | FEATURE_OF    |           |
| HYPONYM-OF    | SubClass-Of             | HYPONYM_OF    |           |
| PART-OF       | Part-Of, SubTask-Of     | PART_OF       |           |
| COMPARE       | Compare-With            | COMPARED_WITH | yes       |
| CONJUNCTION   | —                       | CONJUNCTION   | yes       |
| EVALUATE-FOR  | —                       | EVALUATE_FOR  |           |
| —             | Evaluated-With          | EVALUATED_ON  |           |
| —             | Trained-With            | TRAINED_WITH  |           |
| —             | Benchmark-For           | BENCHMARK_FOR |           |
| —             | Synonym-Of              | (dropped: aliases are the resolver's job) | |

Entity types: SciERC Material → Dataset; OtherScientificTerm and Generic mentions are not
ours and are left out of training and evaluation pairs.
"""

from __future__ import annotations

import bisect
import json
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidates import extend  # also registers doc._.kg_relations
from kg.extract.mentions import Mention, run_by_sentence
from kg.extract.relation_features import normalize_words, pair_features, tokenize
from kg.extract.sentences import split_sentences
from kg.schema import allowed

__all__ = [
    "EXTRACTOR",
    "MODEL_DIR",
    "SCIER_RELATIONS",
    "SCIERC_RELATIONS",
    "SYMMETRIC",
    "Pair",
    "RelationModel",
    "candidate_pairs",
    "label_set",
    "load_model",
    "make_relation_component",
    "pair_features",
    "predict_relations",
    "split_sentences",
    "tokenize",
]

EXTRACTOR = "kg_relation_model"
MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "relations"

SCIERC_RELATIONS: dict[str, str] = {
    "USED-FOR": "USED_FOR",
    "FEATURE-OF": "FEATURE_OF",
    "HYPONYM-OF": "HYPONYM_OF",
    "PART-OF": "PART_OF",
    "COMPARE": "COMPARED_WITH",
    "CONJUNCTION": "CONJUNCTION",
    "EVALUATE-FOR": "EVALUATE_FOR",
}
SCIER_RELATIONS: dict[str, str] = {
    "Used-For": "USED_FOR",
    "Part-Of": "PART_OF",
    "SubTask-Of": "PART_OF",
    "SubClass-Of": "HYPONYM_OF",
    "Compare-With": "COMPARED_WITH",
    "Evaluated-With": "EVALUATED_ON",
    "Trained-With": "TRAINED_WITH",
    "Benchmark-For": "BENCHMARK_FOR",
}
SYMMETRIC: frozenset[str] = frozenset({"COMPARED_WITH", "CONJUNCTION"})


def label_set(relation_types: Iterable[str]) -> list[str]:
    """The classifier's labels: NONE, then ``T>``/``T<`` per directed type, ``T`` per symmetric."""
    labels = ["NONE"]
    for t in sorted(set(relation_types)):
        labels += [t] if t in SYMMETRIC else [f"{t}>", f"{t}<"]
    return labels


def pair_label(rel_type: str, a_is_head: bool) -> str:
    """The classifier label of a gold relation between A (earlier) and B."""
    if rel_type in SYMMETRIC:
        return rel_type
    return f"{rel_type}>" if a_is_head else f"{rel_type}<"


@dataclass(frozen=True)
class Pair:
    """Two mentions of one sentence, A before B, with the pair's feature strings."""

    a: Mention
    b: Mention
    features: list[str]
    sentence: tuple[int, int] = (0, 0)  # character span of the sentence holding both


def candidate_pairs(
    text: str, mentions: Sequence[Mention], sentences: Sequence[tuple[int, int]] | None = None
) -> list[Pair]:
    """All pairs of non-overlapping mentions that lie in one sentence, with their features."""
    sentences = split_sentences(text) if sentences is None else sentences
    ordered = sorted(set(mentions))
    pairs: list[Pair] = []
    for s_start, s_end in sentences:
        inside = [m for m in ordered if m[0] >= s_start and m[1] <= s_end and m[1] > m[0]]
        if len(inside) < 2:
            continue
        toks = tokenize(text, s_start, s_end)
        if not toks:
            continue
        words = normalize_words(text, s_start, s_end, toks)
        starts = [s for s, _ in toks]
        ends = [e for _, e in toks]
        spans = [_token_span(starts, ends, m) for m in inside]
        marks = [(s[0], s[1], m[2]) for m, s in zip(inside, spans, strict=True)]
        for i, (ma, sa) in enumerate(zip(inside, spans, strict=True)):
            for j in range(i + 1, len(inside)):
                mb, sb = inside[j], spans[j]
                if mb[0] < ma[1] or sb[0] < sa[1]:  # overlapping mentions relate to nothing
                    continue
                # only mentions ordered between the two can lie between them: token spans start
                # in the mentions' order, and each holds at least one token
                between = [t for s0, s1, t in marks[i + 1 : j] if s0 >= sa[1] and s1 <= sb[0]]
                pairs.append(
                    Pair(
                        ma,
                        mb,
                        pair_features(words, (sa[0], sa[1], ma[2]), (sb[0], sb[1], mb[2]), between),
                        (s_start, s_end),
                    )
                )
    return pairs


def _token_span(starts: list[int], ends: list[int], m: Mention) -> tuple[int, int]:
    first = bisect.bisect_right(ends, m[0])  # first token ending after the mention starts
    last = bisect.bisect_left(starts, m[1])  # tokens starting before the mention ends
    return first, max(last, first + 1)


class RelationModel:
    """Weights of the linear classifier: a compact row table plus a hash → row index."""

    def __init__(
        self,
        labels: Sequence[str],
        bits: int,
        rows: np.ndarray,
        weights: np.ndarray,
        bias: np.ndarray,
        none_offset: float = 0.0,
        meta: dict[str, Any] | None = None,
    ):
        self.labels = list(labels)
        self.bits = bits
        self.row_of = np.full(1 << bits, -1, dtype=np.int32)
        self.row_of[rows] = np.arange(len(rows), dtype=np.int32)
        # A zero row at the end: hashed features never seen in training point there.
        self.weights = np.vstack([weights.astype(np.float32), np.zeros((1, len(self.labels)), np.float32)])
        self.row_of[self.row_of < 0] = len(rows)
        self.bias = bias.astype(np.float32)
        self.none_offset = none_offset  # added to NONE's score: tuned on dev for F1
        self.meta = meta or {}
        self._masks: dict[tuple[Any, ...], np.ndarray] = {}
        self._row_cache: dict[str, int] = {}

    def rows(self, features: Iterable[str]) -> list[int]:
        """Weight rows of a pair's (distinct) features; features unseen in training are skipped."""
        cache, zero, mask = self._row_cache, len(self.weights) - 1, (1 << self.bits) - 1
        distinct = set(features)
        found = [cache.get(feat) for feat in distinct]  # nearly all seen before: one pass
        if None in found:
            for i, feat in enumerate(distinct):
                if found[i] is None:
                    r = int(self.row_of[zlib.crc32(feat.encode("utf-8")) & mask])
                    if len(cache) < 1_000_000:  # bounded: an unbounded cache leaks in long runs
                        cache[feat] = r
                    found[i] = r
        out = cast(list[int], [r for r in found if r != zero])
        out.sort()  # a fixed summation order: the same pair scores the same in every process
        return out

    def mask(
        self, type_a: str, type_b: str, schema_only: bool = True, relation_types: frozenset[str] | None = None
    ) -> np.ndarray:
        """Labels allowed between mentions of these types (NONE always).

        ``schema_only``: those :func:`kg.schema.allowed` accepts; ``relation_types``: only
        these relation types (e.g. the ones a corpus annotates).
        """
        key = (type_a, type_b, schema_only, relation_types)
        if key not in self._masks:
            ok = [True]
            for label in self.labels[1:]:
                t, arrow = label.rstrip("<>"), label[-1]
                if relation_types is not None and t not in relation_types:
                    ok.append(False)
                elif not schema_only:
                    ok.append(True)
                elif arrow == "<":
                    ok.append(allowed(t, type_b, type_a))
                elif t in SYMMETRIC:
                    ok.append(allowed(t, type_a, type_b) or allowed(t, type_b, type_a))
                else:
                    ok.append(allowed(t, type_a, type_b))
            self._masks[key] = np.array(ok)
        return self._masks[key]

    def classify(
        self, pairs: Sequence[Pair], schema_only: bool = True, relation_types: frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        """The best label of each pair among the allowed ones (see :meth:`mask`), with its
        probability. One batched numpy pass for all pairs: per-pair numpy calls cost more
        than the arithmetic."""
        if not pairs:
            return []
        rows: list[int] = []
        starts: list[int] = []
        empty: list[int] = []
        for i, pair in enumerate(pairs):
            starts.append(len(rows))
            found = self.rows(pair.features)
            if not found:
                empty.append(i)
            rows.extend(found)
        rows.append(len(self.weights) - 1)  # the zero row: reduceat needs an index past the end
        summed = np.add.reduceat(self.weights[rows], starts, axis=0)
        # reduceat yields the start row itself for an empty slice; featureless pairs score 0.
        if empty:
            summed[empty] = 0.0
        s = summed + self.bias
        s[:, 0] += self.none_offset
        allowed_labels = np.array([self.mask(p.a[2], p.b[2], schema_only, relation_types) for p in pairs])
        s = np.where(allowed_labels, s, -np.inf)
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        best = p.argmax(axis=1)
        probability = p[np.arange(len(best)), best].tolist()
        return [(self.labels[k], probability[i]) for i, k in enumerate(best.tolist())]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        rows = np.flatnonzero(self.row_of != len(self.weights) - 1)
        rows = rows[np.argsort(self.row_of[rows])]
        np.savez_compressed(
            directory / "weights.npz",
            rows=rows.astype(np.int32),
            weights=self.weights[:-1].astype(np.float16),
            bias=self.bias,
        )
        meta = {**self.meta, "labels": self.labels, "bits": self.bits, "none_offset": self.none_offset}
        (directory / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> RelationModel:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        with np.load(directory / "weights.npz", allow_pickle=False) as z:
            rows, weights, bias = z["rows"], z["weights"], z["bias"]
        return cls(meta["labels"], meta["bits"], rows, weights, bias, meta.get("none_offset", 0.0), meta)


_LOADED: dict[Path, RelationModel] = {}


def load_model(directory: Path | str | None = None) -> RelationModel:
    """The trained model (cached per directory); raises FileNotFoundError when not trained."""
    path = Path(directory) if directory is not None else MODEL_DIR
    if path not in _LOADED:
        if not (path / "weights.npz").exists():
            raise FileNotFoundError(f"no relation model at {path}; run scripts/train_relations.py")
        _LOADED[path] = RelationModel.load(path)
    return _LOADED[path]


def decode(pair: Pair, label: str) -> tuple[Mention, Mention, str] | None:
    """(head, tail, type) of a predicted label, or None for NONE."""
    if label == "NONE":
        return None
    if label.endswith("<"):
        return pair.b, pair.a, label[:-1]
    return pair.a, pair.b, label.rstrip(">")


def predict_relations(
    text: str,
    mentions: Sequence[Mention],
    sentences: Sequence[tuple[int, int]] | None = None,
    model: RelationModel | None = None,
    schema_only: bool = True,
    relation_types: frozenset[str] | None = None,
) -> list[dict[str, Any]]:
    """Typed relations between mentions (char offsets, label) that share a sentence.

    Each is a plain dict: type, head, tail (char spans), head_label, tail_label, sentence
    (char span), confidence (the label's probability), extractor.

    ``sentences`` are character spans; when None, a regex splitter decides. With
    ``schema_only`` only relations :func:`kg.schema.allowed` accepts are returned; with
    ``relation_types`` only those types.
    """
    model = model or load_model()
    out: list[dict[str, Any]] = []
    pairs = candidate_pairs(text, mentions, sentences)
    labels = model.classify(pairs, schema_only, relation_types)  # one per pair
    for pair, (label, confidence) in zip(pairs, labels, strict=True):
        decoded = decode(pair, label)
        if decoded is None:
            continue
        head, tail, rel_type = decoded
        out.append(
            {
                "type": rel_type,
                "head": (head[0], head[1]),
                "tail": (tail[0], tail[1]),
                "head_label": head[2],
                "tail_label": tail[2],
                "sentence": pair.sentence,
                "confidence": round(confidence, 4),
                "extractor": EXTRACTOR,
            }
        )
    return out


@Language.factory(
    "kg_relation_model",
    default_config={"model_dir": "", "use_ents": True, "use_candidates": True, "min_confidence": 0.0},
    assigns=["doc._.kg_relations"],
    requires=["doc._.kg_candidates"],
)
def make_relation_component(
    nlp: Language, name: str, model_dir: str, use_ents: bool, use_candidates: bool, min_confidence: float
) -> Callable[[Doc], Doc]:
    """Relations between the Doc's mentions (kg/extract/mentions.py: the final ones, else ents
    and kg candidates), appended as plain dicts to ``doc._.kg_relations``."""
    model = load_model(model_dir or None)

    def find(sentence: str, mentions: list[Mention]) -> list[dict[str, Any]]:
        return predict_relations(sentence, mentions, model=model)

    def kg_relation_model(doc: Doc) -> Doc:
        extend(
            doc,
            "kg_relations",
            run_by_sentence(
                doc,
                find,
                ("head", "tail"),
                min_mentions=2,
                min_confidence=min_confidence,
                use_ents=use_ents,
                use_candidates=use_candidates,
            ),
        )
        return doc

    return kg_relation_model
