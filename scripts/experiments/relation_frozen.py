"""Experiment (not part of the package, not run by CI): a relation layer on a ``kg_encoder_ner``
head's frozen states, the "Before it" sentence of the relation model card in
kg/models/MODEL_CARD.md (figures from run L's head; ``HEAD_DIR=…`` picks another).

Each ordered pair of gold mentions in a SciERC sentence becomes [first and last word state of
both mentions; mean state of the words between] plus type-pair and distance embeddings, into
one ReLU layer. Prints SciERC dev Rel (gold entities) per epoch, then dev/test at five NONE
offsets. Usage: relation_frozen.py [HIDDEN [DROPOUT [EPOCHS]]] (defaults 256 0.3 30; ~30 s).
"""
import math
import os
import pickle
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from kg.eval.relations import read_relation_corpus, score_triples, gold_triples  # noqa: E402
from kg.extract.encoder_ner import SpanEncoder, piece_windows, encode  # noqa: E402
from kg.extract.relation_model import _DIST_BUCKETS, label_set, pair_label, SCIERC_RELATIONS  # noqa: E402

HEAD_DIR = Path(os.environ.get("HEAD_DIR", ROOT / "kg/models/sci_ner/scierc_ner"))

enc = SpanEncoder.load(HEAD_DIR)
TYPES = ["Method", "Dataset", "Metric", "Task"]
LABELS = label_set(SCIERC_RELATIONS.values())
print(LABELS)

def word_states(words):
    out = []
    for ids, first, off in piece_windows(enc.wordpiece, words):
        arr = np.asarray([ids])
        st = encode(np, enc.params, arr, np.ones_like(arr, dtype=np.float32), enc.cfg["n_layers"], enc.cfg["n_heads"])[0]
        out.append(st[first])
    return np.concatenate(out, 0)

def bucket(n):  # the sparse classifier's distance buckets, as an index
    return sum(n >= b for b in _DIST_BUCKETS) - 1

def pairs_of(doc, ents):
    """ordered (a before b) non-overlapping pairs within a sentence"""
    out = []
    for s0, s1 in doc.sentences:
        inside = sorted(e for e in ents if e[0] >= s0 and e[1] <= s1)
        for i, a in enumerate(inside):
            for b in inside[i+1:]:
                if b[0] < a[1]:
                    continue
                out.append((a, b))
    return out

def featurize(ws, pairs):
    cum = np.concatenate([np.zeros((1, ws.shape[1]), np.float32), np.cumsum(ws, 0)], 0)
    X, T, D = [], [], []
    for a, b in pairs:
        n = b[0] - a[1]
        between = (cum[b[0]] - cum[a[1]]) / n if n > 0 else np.zeros(ws.shape[1], np.float32)
        X.append(np.concatenate([ws[a[0]], ws[a[1]-1], ws[b[0]], ws[b[1]-1], between]))
        T.append(TYPES.index(a[2]) * 4 + TYPES.index(b[2]))
        D.append(bucket(n))
    return X, T, D

def build(split):
    docs = read_relation_corpus("scierc", split)
    t0 = time.time()
    data = []
    for d in docs:
        ws = word_states(d.words)
        gold = {}
        for h, t, r in d.relations:
            gold[(h, t)] = r
        prs = pairs_of(d, d.entities)
        y = []
        for a, b in prs:
            ka, kb = (a[0], a[1]), (b[0], b[1])
            if (ka, kb) in gold:
                y.append(LABELS.index(pair_label(gold[(ka, kb)], True)))
            elif (kb, ka) in gold:
                y.append(LABELS.index(pair_label(gold[(kb, ka)], False)))
            else:
                y.append(0)
        X, T, D = featurize(ws, prs)
        data.append((d, prs, np.array(X, np.float32).reshape(-1, 5 * ws.shape[1]), np.array(T), np.array(D), np.array(y)))
    print(split, len(docs), "docs", sum(len(x[1]) for x in data), "pairs", round(time.time() - t0, 1), "s", flush=True)
    return data

# one cache per head (its weights file and their mtime), so another head never reads stale states
weights = HEAD_DIR / "weights.npz"
cache = os.path.join(tempfile.gettempdir(), "kg_relation_frozen_%08x.pkl" % zlib.crc32(f"{weights.resolve()}:{weights.stat().st_mtime_ns}".encode()))
if os.path.exists(cache):
    tr, dv, te = pickle.load(open(cache, "rb"))
else:
    tr, dv, te = build("train"), build("dev"), build("test")
    pickle.dump((tr, dv, te), open(cache, "wb"))

import jax, jax.numpy as jnp
def cat(data):
    return (np.concatenate([x[2] for x in data]), np.concatenate([x[3] for x in data]).astype(int),
            np.concatenate([x[4] for x in data]).astype(int), np.concatenate([x[5] for x in data]).astype(int))
Xtr, Ttr, Dtr, Ytr = cat(tr)
print("train label counts", np.bincount(Ytr, minlength=len(LABELS)))
H = int(sys.argv[1]) if len(sys.argv) > 1 else 256
DROP = float(sys.argv[2]) if len(sys.argv) > 2 else 0.3
EPOCHS = int(sys.argv[3]) if len(sys.argv) > 3 else 30
rng = np.random.default_rng(0)
din = Xtr.shape[1] + 32 + 16
p = {"type": rng.normal(0, .1, (16, 32)), "dist": rng.normal(0, .1, (8, 16)),
     "w1": rng.normal(0, 1, (din, H)) / math.sqrt(din), "b1": np.zeros(H),
     "w2": rng.normal(0, 1, (H, len(LABELS))) / math.sqrt(H), "b2": np.zeros(len(LABELS))}
p = {k: jnp.asarray(v, jnp.float32) for k, v in p.items()}

def logits(p, X, T, D, key=None):
    f = jnp.concatenate([X, p["type"][T], p["dist"][D]], -1)
    if key is not None:
        f = jnp.where(jax.random.bernoulli(key, 1 - DROP, f.shape), f / (1 - DROP), 0)
    h = jax.nn.relu(f @ p["w1"] + p["b1"])
    if key is not None:
        h = jnp.where(jax.random.bernoulli(jax.random.fold_in(key, 1), 1 - DROP, h.shape), h / (1 - DROP), 0)
    return h @ p["w2"] + p["b2"]

def loss(p, X, T, D, Y, key):
    lp = jax.nn.log_softmax(logits(p, X, T, D, key))
    return -jnp.take_along_axis(lp, Y[:, None], -1).mean()

@jax.jit
def step(p, m, v, t, X, T, D, Y, key, lr):
    l, g = jax.value_and_grad(loss)(p, X, T, D, Y, key)
    m = {k: .9 * m[k] + .1 * g[k] for k in p}
    v = {k: .999 * v[k] + .001 * g[k] ** 2 for k in p}
    p = {k: p[k] - lr * (m[k] / (1 - .9 ** t)) / (jnp.sqrt(v[k] / (1 - .999 ** t)) + 1e-8) for k in p}
    return p, m, v, l

def evaluate(p, data, none_offset=0.0):
    gold, pred = [], []
    for d, prs, X, T, D, Y in data:
        gold.append(gold_triples(d))
        out = set()
        if len(prs):
            lg = np.array(logits(p, jnp.asarray(X), jnp.asarray(T.astype(int)), jnp.asarray(D.astype(int))))
            lg[:, 0] += none_offset
            for (a, b), k in zip(prs, lg.argmax(-1)):
                lab = LABELS[k]
                if lab == "NONE":
                    continue
                if lab.endswith("<"):
                    out.add(((b[0], b[1]), b[2], (a[0], a[1]), a[2], lab[:-1]))
                else:
                    out.add(((a[0], a[1]), a[2], (b[0], b[1]), b[2], lab.rstrip(">")))
        pred.append(out)
    return score_triples(gold, pred)["micro"]

m = {k: jnp.zeros_like(x) for k, x in p.items()}
v = {k: jnp.zeros_like(x) for k, x in p.items()}
key = jax.random.PRNGKey(0)
t = 0
B = 64
n = len(Ytr)
best = (-1, None)
for ep in range(EPOCHS):
    order = rng.permutation(n)
    for i in range(0, n, B):
        idx = order[i:i + B]
        t += 1
        p, m, v, l = step(p, m, v, t, Xtr[idx], Ttr[idx], Dtr[idx], Ytr[idx], jax.random.fold_in(key, t), 1e-3)
    dev = evaluate(p, dv)
    if dev["f1"] > best[0]:
        best = (dev["f1"], p, ep)
    print(ep, round(float(l), 3), dev["f1"], flush=True)
f, p, ep = best
print("best epoch", ep, "dev", f)
for off in (-1.0, -0.5, 0.0, 0.5, 1.0):
    print("offset", off, "dev", evaluate(p, dv, off)["f1"], "test", evaluate(p, te, off))
