"""Train the entity-pair relation classifier (kg/extract/relation_model.py).

Multinomial logistic regression over hashed features, AdaGrad, one pass per epoch in
Python/numpy on one core; the epoch and the NONE offset with the best SciERC dev F1 are kept:
the "rel" F1 (gold entities), or with --ner the mean of "rel" and "rel+" (boundaries + type,
on that pipeline's mentions). The product runs on predicted mentions, where a NONE offset that
buys recall on gold entities mostly buys false positives. With --scier, SciER train is added:
its sentences are scored only over the labels SciER annotates (and SciERC's over SciERC's), so
a type one corpus lacks is unknown there, not negative.

    python scripts/train_relations.py                 # SciERC train → kg/models/relations
    python scripts/train_relations.py --scier --test  # + SciER train; also score SciERC test
    python scripts/train_relations.py --scier --other-types --ner kg/models/sci_ner --test  # shipped
    python scripts/train_relations.py --max-docs 10 --out /tmp/rel   # seconds: a smoke run
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: the machine is shared
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from kg.eval.relations import (CORPUS_RELATION_TYPES, RelationDoc, evaluate_relations,  # noqa: E402
                               format_relation_table, predicted_mentions, read_relation_corpus)
from kg.extract.relation_features import hash_features  # noqa: E402
from kg.extract.relation_model import (MODEL_DIR, RelationModel, candidate_pairs,  # noqa: E402
                                       label_set, pair_label)

Example = tuple[np.ndarray, int, np.ndarray]  # feature indices, label index, allowed labels
Mentions = list[list[tuple[int, int, str]]]  # per dev doc: the NER's char-offset mentions


def examples(docs: list[RelationDoc], labels: list[str], bits: int) -> list[Example]:
    """One example per candidate pair; the label mask keeps the doc's corpus's types (+ NONE)."""
    index = {label: i for i, label in enumerate(labels)}
    known = CORPUS_RELATION_TYPES[docs[0].dataset] if docs else frozenset()
    mask = np.array([i == 0 or labels[i].rstrip("<>") in known for i in range(len(labels))])
    out: list[Example] = []
    for doc in docs:
        gold: dict[tuple[tuple[int, int], tuple[int, int]], str] = {}
        for head, tail, rel in doc.relations:
            a, b = sorted([doc.char_span(head), doc.char_span(tail)])
            gold[(a, b)] = pair_label(rel, a == doc.char_span(head))
        for pair in candidate_pairs(doc.text, doc.char_mentions(), doc.char_sentences()):
            label = gold.get(((pair.a[0], pair.a[1]), (pair.b[0], pair.b[1])), "NONE")
            out.append((hash_features(pair.features, bits), index[label], mask))
    return out


def to_model(weights: np.ndarray, bias: np.ndarray, labels: list[str], bits: int,
             none_offset: float, meta: dict) -> RelationModel:
    rows = np.flatnonzero(np.abs(weights).max(axis=1) > 1e-3)
    return RelationModel(labels, bits, rows, weights[rows], bias, none_offset, meta)


def train(train_docs: list[RelationDoc], dev_docs: list[RelationDoc], *, bits: int, epochs: int,
          lr: float, seed: int, meta: dict, dev_mentions: Mentions | None = None) -> RelationModel:
    labels = label_set(r for d in train_docs for _, _, r in d.relations)
    by_corpus: dict[str, list[RelationDoc]] = {}
    for d in train_docs:
        by_corpus.setdefault(d.dataset, []).append(d)
    data = [ex for docs in by_corpus.values() for ex in examples(docs, labels, bits)]
    print(f"{len(train_docs)} docs, {len(data)} pairs, {len(labels)} labels", file=sys.stderr)
    n_labels = len(labels)
    weights = np.zeros((1 << bits, n_labels), np.float32)
    grad_sq = np.full((1 << bits, n_labels), 1e-8, np.float32)
    bias = np.zeros(n_labels, np.float32)
    bias_sq = np.full(n_labels, 1e-8, np.float32)
    rng = random.Random(seed)
    best: tuple[float, RelationModel | None] = (-1.0, None)
    for epoch in range(1, epochs + 1):
        rng.shuffle(data)
        loss = 0.0
        for idx, y, mask in data:
            s = weights[idx].sum(axis=0) + bias
            s = np.where(mask, s, -np.inf)
            p = np.exp(s - s.max())
            p /= p.sum()
            loss -= float(np.log(p[y] + 1e-12))
            g = p
            g[y] -= 1.0
            g[~mask] = 0.0
            g2 = g * g
            grad_sq[idx] += g2
            weights[idx] -= lr * g / np.sqrt(grad_sq[idx])
            bias_sq += g2
            bias -= lr * g / np.sqrt(bias_sq)
        model, f1 = tune(weights, bias, labels, bits, dev_docs, {**meta, "epoch": epoch},
                         dev_mentions)
        print(f"epoch {epoch}: loss {loss / max(len(data), 1):.4f}  dev F1 {f1:.4f} "
              f"(NONE offset {model.none_offset:+.1f})", file=sys.stderr)
        if f1 > best[0]:
            best = (f1, model)
    assert best[1] is not None
    return best[1]


def tune(weights: np.ndarray, bias: np.ndarray, labels: list[str], bits: int,
         dev_docs: list[RelationDoc], meta: dict, dev_mentions: Mentions | None = None
         ) -> tuple[RelationModel, float]:
    """The NONE offset with the best dev micro F1: "rel", or with ``dev_mentions`` the mean of
    "rel" and "rel+" (boundaries + type)."""
    best: tuple[float, float, dict[str, float]] = (-1.0, 0.0, {})
    model = to_model(weights, bias, labels, bits, 0.0, meta)
    for offset in (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0):
        model.none_offset = offset
        scores = {"dev_f1": evaluate_relations("scierc", "dev", model=model,
                                               docs=dev_docs)["micro"]["f1"]}
        if dev_mentions is not None:
            scores["dev_rel+_boundaries_f1"] = evaluate_relations(
                "scierc", "dev", model=model, docs=dev_docs, setting="rel+",
                mentions=dev_mentions)["boundaries"]["f1"]
        f1 = sum(scores.values()) / len(scores)
        if f1 > best[0]:
            best = (f1, offset, scores)
    model.none_offset = best[1]
    model.meta.update({k: round(v, 4) for k, v in best[2].items()})
    return model, best[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=MODEL_DIR,
                    help="directory for weights.npz and meta.json")
    ap.add_argument("--scier", action="store_true", help="add SciER train to SciERC train")
    ap.add_argument("--other-types", action="store_true",
                    help="keep SciERC OtherScientificTerm/Generic mentions in training")
    ap.add_argument("--max-docs", type=int, default=0, help="use at most N docs per corpus split")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--bits", type=int, default=18)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--test", action="store_true", help="score SciERC test (rel) at the end")
    ap.add_argument("--ner", type=Path, default=None,
                    help="a spaCy NER pipeline (kg/models/sci_ner): choose on the mean of dev "
                         "rel and rel+ with its mentions; with --test, also score test rel+")
    args = ap.parse_args(argv)

    def limit(docs: list[RelationDoc]) -> list[RelationDoc]:
        return docs[:args.max_docs] if args.max_docs else docs

    started = time.perf_counter()
    train_docs = limit(read_relation_corpus("scierc", "train", keep_other_types=args.other_types))
    if args.scier:
        train_docs += limit(read_relation_corpus("scier", "train"))
    dev_docs = limit(read_relation_corpus("scierc", "dev"))
    given = argv if argv is not None else sys.argv[1:]
    meta = {"command": "python scripts/train_relations.py " + " ".join(given),
            "trained_on": "scierc train" + (" + scier train" if args.scier else ""),
            "other_types": args.other_types, "max_docs": args.max_docs, "lr": args.lr,
            "seed": args.seed}
    dev_mentions: Mentions | None = None
    nlp = None
    if args.ner:
        import spacy
        nlp = spacy.load(args.ner)
        dev_mentions = predicted_mentions(dev_docs, nlp, "scierc")
        meta["selected_on"] = f"mean of scierc dev rel and rel+ F1 ({args.ner})"
    else:
        meta["selected_on"] = "scierc dev rel F1"
    model = train(train_docs, dev_docs, bits=args.bits, epochs=args.epochs, lr=args.lr,
                  seed=args.seed, meta=meta, dev_mentions=dev_mentions)
    model.save(args.out)
    if args.test:  # scored after reloading: the saved weights are float16
        model = RelationModel.load(args.out)
        result = evaluate_relations("scierc", "test", model=model)
        model.meta["scierc_test_rel_f1"] = result["micro"]["f1"]
        print(format_relation_table(result))
        if nlp is not None:
            result = evaluate_relations("scierc", "test", model=model, setting="rel+", nlp=nlp)
            model.meta["scierc_test_rel+_f1"] = result["micro"]["f1"]
            model.meta["scierc_test_rel+_boundaries_f1"] = result["boundaries"]["f1"]
            print(format_relation_table(result))
        model.save(args.out)
    size = sum(f.stat().st_size for f in args.out.iterdir())
    print(f"saved {args.out} ({size / 1e6:.2f} MB), dev rel F1 {model.meta['dev_f1']:.4f}, "
          f"{time.perf_counter() - started:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
