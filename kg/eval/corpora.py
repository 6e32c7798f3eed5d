"""Readers of the SciERC and SciER JSONL files into one form: words plus typed token spans.

Both corpora come out with our entity types (Method, Dataset, Metric, Task). SciERC's
Material becomes Dataset (it is broader: "English", "speech corpora" — see MODEL_CARD.md);
OtherScientificTerm and Generic are dropped, i.e. those tokens are *outside* any entity.
SciER annotates no Metric, so ``ANNOTATED_LABELS`` says which labels each corpus can be
trusted on: a consumer must treat the others as unknown, not as absent.

The data lives beside the repository (``../shared/data``) or under ``$KG_SHARED/data``;
it is read, never copied into the repository.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ANNOTATED_LABELS",
    "DATASETS",
    "NerExample",
    "corpus_path",
    "flat_spans",
    "read_corpus",
    "read_scier",
    "read_scierc",
    "read_tdmsci",
    "shared_dir",
]

SCI_LABELS: tuple[str, ...] = ("Method", "Dataset", "Metric", "Task")

ANNOTATED_LABELS: dict[str, frozenset[str]] = {
    "scierc": frozenset(SCI_LABELS),
    "scier": frozenset({"Method", "Dataset", "Task"}),
    "tdmsci": frozenset({"Dataset", "Metric", "Task"}),
}
DATASETS: tuple[str, ...] = tuple(ANNOTATED_LABELS)

SCIERC_LABELS: dict[str, str] = {"Method": "Method", "Task": "Task", "Metric": "Metric", "Material": "Dataset"}
SCIER_LABELS: dict[str, str] = {"Method": "Method", "Task": "Task", "Dataset": "Dataset"}
TDMSCI_LABELS: dict[str, str] = {"TASK": "Task", "DATASET": "Dataset", "METRIC": "Metric"}
# TDMSci ships one file (train); every TDMSCI_DEV_EVERY-th sentence is our dev slice, the rest train.
TDMSCI_DEV_EVERY = 10

PTB_BRACKETS: dict[str, str] = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}


@dataclass
class NerExample:
    """One text in gold tokenization; spans are (start, end exclusive, label) token offsets.

    Spans may nest (SciERC does, rarely); scoring keeps them all, training flattens them.
    """

    id: str
    words: list[str]
    spans: list[tuple[int, int, str]]
    dataset: str
    # Spans that a corpus marks but that carry no label of ours (SciERC OtherScientificTerm,
    # Generic): kept so a trainer can tell "annotated as something else" from "unannotated".
    other_spans: list[tuple[int, int]] = field(default_factory=list)


def shared_dir() -> Path:
    """The shared directory: ``$KG_SHARED`` if set, else ``../shared`` beside the repo root."""
    env = os.environ.get("KG_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / ".." / "shared"


def jsonl_records(path: Path) -> Iterator[dict]:
    """The JSON objects of a JSON Lines corpus file, blank lines skipped."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def corpus_path(dataset: str, split: str) -> Path:
    if dataset not in ANNOTATED_LABELS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {DATASETS}")
    if dataset == "tdmsci":  # one file; read_tdmsci slices train and dev out of it
        return shared_dir() / "data" / dataset / "train.conll"
    return shared_dir() / "data" / dataset / f"{split}.jsonl"


def read_scierc(path: Path) -> Iterator[NerExample]:
    """SciERC: one example per abstract; ``ner`` holds document-level inclusive token indices."""
    for doc in jsonl_records(path):
        words = [PTB_BRACKETS.get(w, w) for sent in doc["sentences"] for w in sent]
        spans: list[tuple[int, int, str]] = []
        other: list[tuple[int, int]] = []
        for sent_ents in doc["ner"]:
            for start, end, label in sent_ents:
                if label in SCIERC_LABELS:
                    spans.append((start, end + 1, SCIERC_LABELS[label]))
                else:
                    other.append((start, end + 1))
        yield NerExample(doc["doc_key"], words, sorted(spans), "scierc", other)


def read_scier(path: Path, join_numbers: bool = True) -> Iterator[NerExample]:
    """SciER: one example per sentence; entity strings are located in the sentence's tokens.

    Every occurrence of an annotated string is tagged (the corpus lists a repeated mention
    once as often as not), longer entities first so nested strings don't split them; a
    string annotated with two types keeps the first.
    SciER splits numbers into digits ("2 0 1 4"); ``join_numbers`` glues them back so the
    tokens look like what spaCy's tokenizer makes of real text.
    """
    counts: dict[str, int] = defaultdict(int)
    for rec in jsonl_records(path):
        words = rec["sentence"].split()
        spans = locate_spans(
            words, [(text.split(), SCIER_LABELS[label]) for text, label in rec["ner"] if label in SCIER_LABELS]
        )
        if join_numbers:
            words, spans = _join_split_numbers(words, spans)
        n = counts[rec["doc_id"]]
        counts[rec["doc_id"]] += 1
        yield NerExample(f"{rec['doc_id']}#{n}", words, spans, "scier")


def read_tdmsci(path: Path, split: str | None = None) -> Iterator[NerExample]:
    """TDMSci CoNLL (``TOKEN<TAB>OFFSET<TAB>BIO``, a blank line between sentences): one example
    per sentence. ``split`` "dev" keeps every ``TDMSCI_DEV_EVERY``-th sentence, "train" the
    others, None all. A stray ``I-`` starts a mention (the corpus has a few)."""

    def sentences() -> Iterator[list[tuple[str, str]]]:
        rows: list[tuple[str, str]] = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 3 or not parts[0]:
                    if rows:
                        yield rows
                    rows = []
                    continue
                rows.append((parts[0], parts[-1]))
        if rows:
            yield rows

    for n, rows in enumerate(sentences()):
        if split is not None and (n % TDMSCI_DEV_EVERY == 0) != (split == "dev"):
            continue
        words = [w for w, _ in rows]
        spans: list[tuple[int, int, str]] = []
        start, label = None, None
        for i, (_, tag) in enumerate([*rows, ("", "O")]):
            prefix, _, name = tag.partition("-")
            continues = prefix == "I" and label is not None and TDMSCI_LABELS.get(name) == label
            if start is not None and not continues:
                spans.append((start, i, label))  # type: ignore[arg-type]
                start, label = None, None
            if prefix in ("B", "I") and not continues and name in TDMSCI_LABELS:
                start, label = i, TDMSCI_LABELS[name]
        yield NerExample(f"tdmsci#{n}", words, spans, "tdmsci")


def read_corpus(dataset: str, split: str, path: Path | None = None) -> list[NerExample]:
    """Read ``dataset`` ("scierc" | "scier" | "tdmsci") ``split`` from ``path`` or the shared
    directory."""
    path = path or corpus_path(dataset, split)
    if not path.exists():
        raise FileNotFoundError(f"{dataset} {split} not found at {path}")
    if dataset == "tdmsci":
        return list(read_tdmsci(path, split))
    reader = read_scierc if dataset == "scierc" else read_scier
    return list(reader(path))


def locate_spans(words: list[str], entities: list[tuple[list[str], str]]) -> list[tuple[int, int, str]]:
    taken = [False] * len(words)
    spans: list[tuple[int, int, str]] = []
    # Annotation order breaks ties, so the result never depends on hash order.
    unique = list(dict.fromkeys((tuple(w), label) for w, label in entities))
    for ent_words, label in sorted(unique, key=lambda e: -len(e[0])):
        n = len(ent_words)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) == ent_words and not any(taken[i : i + n]):
                spans.append((i, i + n, label))
                for j in range(i, i + n):
                    taken[j] = True
    return sorted(spans)


def _join_split_numbers(
    words: list[str], spans: list[tuple[int, int, str]]
) -> tuple[list[str], list[tuple[int, int, str]]]:
    """Glue runs of single digits (and a decimal point between digits) into one token.

    A run never crosses a span boundary, so every span maps onto whole new tokens.
    """
    boundaries = {b for s, e, _ in spans for b in (s, e)}

    def digit(i: int) -> bool:
        return 0 <= i < len(words) and len(words[i]) == 1 and words[i].isdigit()

    new_words: list[str] = []
    new_index: list[int] = []  # old token index -> new token index
    for i, w in enumerate(words):
        last = new_words[-1] if new_words else ""
        joins = (
            i > 0
            and i not in boundaries
            and len(words[i - 1]) == 1
            and (
                (digit(i) and re.fullmatch(r"\d+(\.\d*)?", last) is not None)
                or (w == "." and last.isdigit() and digit(i + 1) and i + 1 not in boundaries)
            )
        )
        if joins:
            new_words[-1] += w
        else:
            new_words.append(w)
        new_index.append(len(new_words) - 1)
    new_index.append(len(new_words))
    return new_words, [(new_index[s], new_index[e - 1] + 1, label) for s, e, label in spans]


def flat_spans(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the longer of overlapping spans: NER output is flat, SciERC nests ~1.5% of mentions."""
    kept: list[tuple[int, int, str]] = []
    for s, e, label in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        if all(e <= ks or s >= ke for ks, ke, _ in kept):
            kept.append((s, e, label))
    return sorted(kept)
