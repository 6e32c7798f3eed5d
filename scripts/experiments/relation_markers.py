"""Experiment (not part of the package, not run by CI): a PURE-style relation classifier,
the "Tried, not shipped" paragraph of the relation model card in kg/models/MODEL_CARD.md.

Typed entity markers (``<S:Method>`` … ``</S:Method>``, ``<O:Task>`` …) are inserted around the
two arguments of every ordered pair of gold mentions in a SciERC sentence; the encoder of a
``kg_encoder_ner`` head (``--head-dir``; the figures came from run L's, ``git show
a668140:kg/models/sci_ner/scierc_ner/…``) is fine-tuned in JAX and the two start markers' states
feed a linear layer over NONE + SciERC's relation types (Zhong & Chen, NAACL 2021). Prints
SciERC dev Rel (gold entities) per epoch, then dev and test at three NONE offsets.

    .venv/bin/python scripts/experiments/relation_markers.py --epochs 10   # ~200 s an epoch, 2 cores
"""
import argparse
import math
import pickle
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from kg.eval.relations import read_relation_corpus, score_triples, gold_triples  # noqa: E402
from kg.extract.encoder_ner import SpanEncoder, encode  # noqa: E402
from kg.extract.relation_model import SCIERC_RELATIONS, SYMMETRIC  # noqa: E402
from kg.schema import allowed  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--epochs", type=int, default=10)
ap.add_argument("--lr", type=float, default=5e-5)
ap.add_argument("--head-lr", type=float, default=5e-4)
ap.add_argument("--bs", type=int, default=16)
ap.add_argument("--train-layers", type=int, default=6)
ap.add_argument("--head-dir", type=Path, default=ROOT / "kg/models/sci_ner/scierc_ner")
ap.add_argument("--save", type=Path, help="pickle the chosen weights here")
ap.add_argument("--context", type=int, default=0)
ap.add_argument("--seed", type=int, default=0)
args = ap.parse_args()

enc = SpanEncoder.load(args.head_dir)
params = dict(enc.params)
nL, nH = enc.cfg["n_layers"], enc.cfg["n_heads"]
wp = enc.wordpiece
TYPES = ["Method", "Dataset", "Metric", "Task"]
RELS = sorted(set(SCIERC_RELATIONS.values()))
LABELS = ["NONE"] + RELS
V = params["emb.word"].shape[0]
marker = {}
for i, (role, t, edge) in enumerate((r, t, e) for r in "SO" for t in TYPES for e in ("<", ">")):
    marker[(role, t, edge)] = V + i
rng = np.random.default_rng(args.seed)
mean = params["emb.word"].mean(0)
params["emb.marker"] = (mean + rng.normal(0, 0.02, (len(marker), mean.shape[0]))).astype(np.float32)
H = mean.shape[0]
params["rel.w"] = (rng.normal(0, 1, (2 * H, len(LABELS))) / math.sqrt(2 * H)).astype(np.float32)
params["rel.b"] = np.zeros(len(LABELS), np.float32)

def instances(doc, ents, gold=None):
    """ordered (subj, obj) pairs in one sentence; pieces with markers"""
    pieces = wp.encode_words(doc.words)
    out = []
    for s0, s1 in doc.sentences:
        inside = sorted(e for e in ents if e[0] >= s0 and e[1] <= s1)
        c0, c1 = max(0, s0 - args.context), min(len(doc.words), s1 + args.context)
        for a in inside:
            for b in inside:
                if a == b or (a[0] < b[1] and b[0] < a[1]):
                    continue
                ids, pos = [wp.cls_id], {}
                for w in range(c0, c1):
                    for role, m in (("S", a), ("O", b)):
                        if w == m[0]:
                            pos[role] = len(ids)
                            ids.append(marker[(role, m[2], "<")])
                    ids.extend(pieces[w])
                    for role, m in (("S", a), ("O", b)):
                        if w == m[1] - 1:
                            ids.append(marker[(role, m[2], ">")])
                ids.append(wp.sep_id)
                ids = ids[:512]
                y = 0
                if gold is not None:
                    r = gold.get(((a[0], a[1]), (b[0], b[1])))
                    if r is None:
                        r2 = gold.get(((b[0], b[1]), (a[0], a[1])))
                        r = r2 if r2 in SYMMETRIC else None
                    y = LABELS.index(r) if r else 0
                out.append((ids, pos["S"], pos["O"], y, a, b))
    return out

def load(split):
    docs = read_relation_corpus("scierc", split)
    data = []
    for d in docs:
        gold = {(h, t): r for h, t, r in d.relations}
        data.append((d, instances(d, d.entities, gold)))
    return data

tr, dv, te = load("train"), load("dev"), load("test")
train_inst = [x for _, ins in tr for x in ins]
print("train instances", len(train_inst), "positives", sum(x[3] > 0 for x in train_inst), flush=True)

def logits_fn(xp, p, ids, mask, si, oi, dropout=lambda x: x):
    table = xp.concatenate([p["emb.word"], p["emb.marker"]], 0)
    q = dict(p)
    q["emb.word"] = table
    st = encode(xp, q, ids, mask, nL, nH, dropout)
    rows = xp.arange(st.shape[0])
    f = xp.concatenate([st[rows, si], st[rows, oi]], -1)
    return dropout(f) @ p["rel.w"] + p["rel.b"]

def batches(inst, bs, shuffle):
    order = sorted(range(len(inst)), key=lambda i: len(inst[i][0]))
    groups = {}
    for i in order:
        groups.setdefault(32 * math.ceil(len(inst[i][0]) / 32), []).append(i)
    out = []
    for T, mem in groups.items():
        for k in range(0, len(mem), bs):
            ch = [inst[i] for i in mem[k:k + bs]]
            ids = np.zeros((bs, T), np.int32); mask = np.zeros((bs, T), np.float32)
            si = np.zeros(bs, np.int32); oi = np.zeros(bs, np.int32); y = np.zeros(bs, np.int32); w = np.zeros(bs, np.float32)
            for b, x in enumerate(ch):
                ids[b, :len(x[0])] = x[0]; mask[b, :len(x[0])] = 1; si[b] = x[1]; oi[b] = x[2]; y[b] = x[3]; w[b] = 1
            out.append((ids, mask, si, oi, y, w, [mem[k + j] for j in range(len(ch))]))
    if shuffle:
        shuffle.shuffle(out)
    return out

def mask_for(a_t, b_t):
    return np.array([True] + [allowed(r, a_t, b_t) for r in RELS])

def evaluate(p, data, none_offset=0.0):
    import jax.numpy as jnp
    gold, pred = [], []
    inst = [x for _, ins in data for x in ins]
    probs = np.zeros((len(inst), len(LABELS)), np.float32)
    for ids, mask, si, oi, y, w, idx in batches(inst, 64, None):
        lg = np.asarray(jit_logits(p, ids, mask, si, oi))
        probs[idx] = lg[:len(idx)]
    k = 0
    for d, ins in data:
        gold.append(gold_triples(d))
        out = set()
        for x in ins:
            lg = probs[k].copy(); k += 1
            lg[0] += none_offset
            lg[~mask_for(x[4][2], x[5][2])] = -1e9
            lab = int(lg.argmax())
            if lab:
                a, b = x[4], x[5]
                out.add(((a[0], a[1]), a[2], (b[0], b[1]), b[2], LABELS[lab]))
        pred.append(out)
    return score_triples(gold, pred)["micro"]

import jax, jax.numpy as jnp
jit_logits = jax.jit(lambda p, ids, mask, si, oi: logits_fn(jnp, p, ids, mask, si, oi))
frozen = {k for k in params if k.startswith("emb.") and k != "emb.marker"}
frozen |= {k for k in params if k.startswith("l") and int(k[1:k.index(".")]) < nL - args.train_layers}
frozen |= {k for k in params if k.startswith("span.")}
p = {k: jnp.asarray(v) for k, v in params.items() if not k.startswith("span.")}
train_names = [k for k in p if k not in frozen]
print("trainable", sum(p[k].size for k in train_names))
steps = args.epochs * math.ceil(len(train_inst) / args.bs) * 1.1
warm = int(0.1 * steps)
def lr_at(t, base): return base * min((t + 1) / warm, max(0, (steps - t) / (steps - warm)))
DROP = 0.1

def loss_fn(tp, fp, ids, mask, si, oi, y, w, key):
    p = {**fp, **tp}
    c = [0]
    def dropout(x):
        c[0] += 1
        keep = jax.random.bernoulli(jax.random.fold_in(key, c[0]), 1 - DROP, x.shape)
        return jnp.where(keep, x / (1 - DROP), 0.0)
    lg = logits_fn(jnp, p, ids, mask, si, oi, dropout)
    lp = jax.nn.log_softmax(lg)
    nll = -jnp.take_along_axis(lp, y[:, None], -1)[:, 0]
    return (nll * w).sum() / jnp.maximum(w.sum(), 1)

@jax.jit
def step(tp, fp, m, v, t, batch, key, lr_e, lr_h):
    l, g = jax.value_and_grad(loss_fn)(tp, fp, *batch, key)
    nm = {k: .9 * m[k] + .1 * g[k] for k in tp}
    nv = {k: .999 * v[k] + .001 * g[k] ** 2 for k in tp}
    out = {}
    for k in tp:
        lr = lr_h if k.startswith(("rel.", "emb.marker")) else lr_e
        upd = (nm[k] / (1 - .9 ** t)) / (jnp.sqrt(nv[k] / (1 - .999 ** t)) + 1e-8)
        if tp[k].ndim == 2 and not k.startswith("emb"):
            upd = upd + 0.01 * tp[k]
        out[k] = tp[k] - lr * upd
    return out, nm, nv, l

tp = {k: p[k] for k in train_names}
fp = {k: p[k] for k in p if k in frozen}
m = {k: jnp.zeros_like(x) for k, x in tp.items()}
v = {k: jnp.zeros_like(x) for k, x in tp.items()}
key = jax.random.PRNGKey(args.seed)
rr = random.Random(args.seed)
t = 0
best = (-1, None)
for ep in range(args.epochs):
    t0 = time.time(); ls = []
    for ids, mask, si, oi, y, w, idx in batches(train_inst, args.bs, rr):
        tp, m, v, l = step(tp, fp, m, v, t + 1, (ids, mask, si, oi, y, w), jax.random.fold_in(key, t), lr_at(t, args.lr), lr_at(t, args.head_lr))
        t += 1; ls.append(float(l))
    full = {**fp, **tp}
    dev = evaluate(full, dv)
    print(ep, round(np.mean(ls), 3), dev, round(time.time() - t0), flush=True)
    if dev["f1"] > best[0]:
        best = (dev["f1"], full, ep)
f, full, ep = best
print("best", ep, f)
for off in (-1, 0, 1):
    print("offset", off, "dev", evaluate(full, dv, off)["f1"], "test", evaluate(full, te, off))
if args.save:
    args.save.write_bytes(pickle.dumps({k: np.asarray(x) for k, x in full.items()}))
