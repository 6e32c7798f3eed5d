"""A fine-tuned small transformer that classifies word spans (SciERC's convention), in numpy.

Why: a CNN tok2vec trained from scratch on SciERC's 350 training abstracts reaches ~0.49
micro-F1 on its test set, frozen pretrained features ~0.53; the published systems fine-tune a
pretrained encoder (MODEL_CARD.md). This head is such an encoder — all-MiniLM-L6-v2 (6 layers,
384 wide), fine-tuned on SciERC train by ``scripts/train_encoder_ner.py`` — with PURE's span
classifier on top (Zhong & Chen, NAACL 2021): every span of up to ``max_width`` words is
scored from its first and last word's states and a width embedding, then the best-scoring
non-overlapping spans win.

Why numpy: inference is a dozen matrix products per layer, so the head needs no deep-learning
runtime at all; training (JAX) calls the very same functions with ``xp=jax.numpy``, so the
two cannot drift apart. Weights ship as int8 with one scale per output column, and the
vocabulary is pruned to the word pieces of the training corpora and BERT's commonest words
(any text still segments: every single character is kept).

Like ``kg_corpus_ner``, the component writes ``doc.spans[spans_key]`` and leaves
``doc.ents`` alone; the shipped pipeline keeps it disabled (``kg eval --dataset scierc``
enables it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy
import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from kg.extract.corpus_ner import HEAD_FACTORIES
from kg.extract.model_files import read_cfg_and_vocab, write_cfg_and_vocab
from kg.extract.wordpiece import WordPiece

__all__ = [
    "FACTORY",
    "EncoderSpanRecognizer",
    "SpanEncoder",
    "decode_spans",
    "dequantize",
    "encode",
    "enumerate_spans",
    "piece_windows",
    "quantize",
    "span_logits",
]

FACTORY = "kg_encoder_ner"
HEAD_FACTORIES.add(FACTORY)
MAX_PIECES = 512  # position embeddings of BERT-style encoders


# --- the network: plain functions of (xp, params), shared by numpy inference and JAX training ---


def layer_norm(xp: Any, x: Any, g: Any, b: Any, eps: float = 1e-12) -> Any:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / xp.sqrt(var + eps) * g + b


def gelu(xp: Any, x: Any) -> Any:
    # tanh form: numpy has no erf; fine-tuning absorbs the <1e-3 difference from BERT's erf GELU
    return 0.5 * x * (1.0 + xp.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))  # x*x*x: pow is slow


def softmax(xp: Any, x: Any) -> Any:
    e = xp.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _identity(x: Any) -> Any:
    return x


def encode(
    xp: Any,
    p: dict[str, Any],
    ids: Any,
    mask: Any,
    n_layers: int,
    n_heads: int,
    dropout: Callable[[Any], Any] = _identity,
) -> Any:
    """BERT encoder: piece ids [B, T] and mask [B, T] (1 = real) → states [B, T, H]."""
    B, T = ids.shape
    x = p["emb.word"][ids] + p["emb.pos"][:T][None] + p["emb.type"][0]
    x = dropout(layer_norm(xp, x, p["emb.ln.g"], p["emb.ln.b"]))
    H = x.shape[-1]
    D = H // n_heads
    bias = (1.0 - mask[:, None, None, :]) * -1e4

    def heads(t: Any) -> Any:
        return t.reshape(B, T, n_heads, D).transpose(0, 2, 1, 3)

    for i in range(n_layers):
        q = heads(x @ p[f"l{i}.q.w"] + p[f"l{i}.q.b"])
        k = heads(x @ p[f"l{i}.k.w"] + p[f"l{i}.k.b"])
        v = heads(x @ p[f"l{i}.v.w"] + p[f"l{i}.v.b"])
        att = dropout(softmax(xp, q @ k.transpose(0, 1, 3, 2) / (D**0.5) + bias))
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(B, T, H)
        x = layer_norm(xp, x + dropout(ctx @ p[f"l{i}.o.w"] + p[f"l{i}.o.b"]), p[f"l{i}.ln1.g"], p[f"l{i}.ln1.b"])
        h = gelu(xp, x @ p[f"l{i}.i.w"] + p[f"l{i}.i.b"])
        x = layer_norm(xp, x + dropout(h @ p[f"l{i}.f.w"] + p[f"l{i}.f.b"]), p[f"l{i}.ln2.g"], p[f"l{i}.ln2.b"])
    return x


def span_logits(
    xp: Any,
    p: dict[str, Any],
    states: Any,
    first: Any,
    starts: Any,
    ends: Any,
    dropout: Callable[[Any], Any] = _identity,
) -> Any:
    """Class scores [B, S, 1 + labels] of word spans ``starts``..``ends`` (inclusive, [B, S]).

    ``first`` [B, W]: the piece index of each word's first piece; a word is its first piece's
    state, a span its first and last word plus an embedding of its width (PURE).
    """
    rows = xp.arange(states.shape[0])[:, None]
    words = states[rows, first]
    feats = xp.concatenate([words[rows, starts], words[rows, ends], p["span.width"][ends - starts]], -1)
    h = dropout(xp.maximum(dropout(feats) @ p["span.w1"] + p["span.b1"], 0.0))
    return h @ p["span.w2"] + p["span.b2"]


def enumerate_spans(n_words: int, max_width: int) -> list[tuple[int, int]]:
    """Every (start, end inclusive) word span of up to ``max_width`` words."""
    return [(i, j) for i in range(n_words) for j in range(i, min(n_words, i + max_width))]


def decode_spans(
    spans: Sequence[tuple[int, int]], probs: Any, none_threshold: float = 0.5
) -> list[tuple[int, int, int]]:
    """(start, end exclusive, label index ≥ 1) of the spans whose "none" probability is below
    ``none_threshold``, each with its most probable label; the most confident first, skipping
    any span that overlaps one already taken (output is flat). The training script tunes the
    threshold on dev (it trades precision for recall)."""
    return [(s, e, label) for s, e, label, _ in decode_scored_spans(spans, probs, none_threshold)]


def decode_scored_spans(
    spans: Sequence[tuple[int, int]], probs: Any, none_threshold: float = 0.5
) -> list[tuple[int, int, int, float]]:
    """:func:`decode_spans` with each span's probability of being an entity (1 − "none")."""
    kept = numpy.flatnonzero(numpy.asarray(probs[:, 0]) < none_threshold)
    labels = numpy.asarray(probs[kept, 1:]).argmax(-1) + 1
    found = [(float(probs[k, 0]), spans[int(k)], int(label)) for k, label in zip(kept, labels, strict=True)]
    taken = numpy.zeros(max((e for _, (_, e), _ in found), default=-1) + 1, dtype=bool)
    out: list[tuple[int, int, int, float]] = []
    for none, (s, e), label in sorted(found, key=lambda f: f[0]):
        if not taken[s : e + 1].any():
            taken[s : e + 1] = True
            out.append((s, e + 1, label, 1.0 - none))
    return sorted(out)


def piece_windows(wp: WordPiece, words: Sequence[str]) -> list[tuple[list[int], list[int], int]]:
    """``words`` cut into windows of ≤ ``MAX_PIECES`` pieces at word boundaries: (piece ids
    with [CLS]/[SEP], first-piece index of each word, index of the window's first word).
    A word with no pieces (spaces, control characters) reads its left neighbour's state."""
    windows: list[tuple[list[int], list[int], int]] = []
    ids: list[int] = [wp.cls_id]
    first: list[int] = []
    start = 0
    for w, pieces in enumerate(wp.encode_words(words)):
        pieces = pieces[: MAX_PIECES - 2]
        if len(ids) + len(pieces) + 1 > MAX_PIECES:
            windows.append((ids + [wp.sep_id], first, start))
            ids, first, start = [wp.cls_id], [], w
        first.append(len(ids) if pieces else len(ids) - 1)
        ids.extend(pieces)
    windows.append((ids + [wp.sep_id], first, start))
    return windows


# --- storage: int8 weights, one scale per output column ---


def quantize(params: dict[str, numpy.ndarray]) -> dict[str, numpy.ndarray]:
    """Matrices (2-d) → int8 plus ``{name}@scale``; vectors stay float32."""
    out: dict[str, numpy.ndarray] = {}
    for name, w in params.items():
        w = numpy.asarray(w, dtype=numpy.float32)
        if w.ndim == 2:
            # embedding tables are read by row, weight matrices by column
            axis = 1 if name.startswith(("emb.", "span.width")) else 0
            scale = numpy.abs(w).max(axis=axis, keepdims=True) / 127.0
            scale[scale == 0] = 1.0
            out[name] = numpy.round(w / scale).astype(numpy.int8)
            out[name + "@scale"] = scale.astype(numpy.float32)
        else:
            out[name] = w
    return out


def dequantize(stored: dict[str, numpy.ndarray]) -> dict[str, numpy.ndarray]:
    out: dict[str, numpy.ndarray] = {}
    for name, w in stored.items():
        if name.endswith("@scale"):
            continue
        scale = stored.get(name + "@scale")
        out[name] = (w.astype(numpy.float32) * scale) if scale is not None else w.astype(numpy.float32)
    return out


class SpanEncoder:
    """Weights, vocabulary and settings of a trained encoder span classifier."""

    def __init__(self, params: dict[str, numpy.ndarray], vocab: Sequence[str], cfg: dict[str, Any]) -> None:
        self.params = params
        self.cfg = cfg
        self.labels: list[str] = list(cfg["labels"])  # the network's classes, after "none"
        # classes learnt only to compete for spans (SciERC's OtherScientificTerm/Generic as
        # "Other"): they take part in overlap decoding, then are dropped
        self.hidden: frozenset[str] = frozenset(cfg.get("hidden_labels", ()))
        self.wordpiece = WordPiece(vocab)

    @property
    def output_labels(self) -> list[str]:
        return [label for label in self.labels if label not in self.hidden]

    @classmethod
    def load(cls, path: Path) -> SpanEncoder:
        path = Path(path)
        cfg, vocab = read_cfg_and_vocab(path)
        with numpy.load(path / "weights.npz") as stored:
            params = dequantize(dict(stored))
        return cls(params, vocab, cfg)

    def save(self, path: Path) -> None:
        path = Path(path)
        write_cfg_and_vocab(path, self.cfg, self.wordpiece.vocab)
        # Numeric arrays only, as load() reads them; naming allow_pickle also keeps mypy from
        # matching the **arrays against it.
        numpy.savez_compressed(path / "weights.npz", allow_pickle=False, **quantize(self.params))

    def span_probs(self, words: Sequence[str]) -> list[tuple[list[tuple[int, int]], numpy.ndarray, int]]:
        """Per window: its word spans, their class probabilities [S, 1 + labels] and the
        window's first word."""
        out = []
        for ids, first, offset in piece_windows(self.wordpiece, words):
            if not first:
                continue
            arr = numpy.asarray([ids])
            states = encode(
                numpy,
                self.params,
                arr,
                numpy.ones_like(arr, dtype=numpy.float32),
                self.cfg["n_layers"],
                self.cfg["n_heads"],
            )
            spans = enumerate_spans(len(first), self.cfg["max_width"])
            st = numpy.asarray([[s for s, _ in spans]])
            en = numpy.asarray([[e for _, e in spans]])
            logits = span_logits(numpy, self.params, states, numpy.asarray([first]), st, en)[0]
            out.append((spans, softmax(numpy, logits), offset))
        return out

    def decode(
        self, windows: Sequence[tuple[list[tuple[int, int]], numpy.ndarray, int]], none_threshold: float | None = None
    ) -> list[tuple[int, int, str]]:
        """(start, end exclusive, label) word spans of :meth:`span_probs`' output; the
        threshold defaults to the one tuned on dev."""
        threshold = self.cfg.get("none_threshold", 0.5) if none_threshold is None else none_threshold
        return [
            (s + offset, e + offset, self.labels[k - 1])
            for spans, probs, offset in windows
            for s, e, k in decode_spans(spans, probs, threshold)
            if self.labels[k - 1] not in self.hidden
        ]

    def predict(self, words: Sequence[str]) -> list[tuple[int, int, str]]:
        """(start, end exclusive, label) word spans."""
        return self.decode(self.span_probs(words))


class EncoderSpanRecognizer:
    """spaCy component: :class:`SpanEncoder`'s entities to ``doc.spans[spans_key]``."""

    def __init__(self, name: str, spans_key: str, scorer: Callable[..., dict[str, Any]] | None) -> None:
        self.name = name
        self.spans_key = spans_key
        self.model: SpanEncoder | None = None
        self.scorer = scorer

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.model.output_labels) if self.model else ()

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None:
            raise ValueError(f"{self.name}: no encoder weights loaded (from_disk a trained model)")
        doc.spans[self.spans_key] = [
            Span(doc, s, e, label=label) for s, e, label in self.model.predict([t.text for t in doc])
        ]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 1) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return self.scorer(examples, **kwargs) if self.scorer else {}

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        if self.model is None:
            raise ValueError(f"{self.name}: nothing to save")
        self.model.save(Path(path))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> EncoderSpanRecognizer:
        self.model = SpanEncoder.load(Path(path))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        # pickling (nlp.pipe(n_process=...)) carries the weights as they are in memory
        if self.model is None:
            return srsly.msgpack_dumps({})
        return srsly.msgpack_dumps(
            {"params": self.model.params, "vocab": self.model.wordpiece.vocab, "cfg": self.model.cfg}
        )

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> EncoderSpanRecognizer:
        msg = srsly.msgpack_loads(data)
        if msg:
            self.model = SpanEncoder(msg["params"], msg["vocab"], msg["cfg"])
        return self


@Language.factory(
    FACTORY,
    assigns=["doc.spans"],
    default_config={"spans_key": "scierc", "scorer": {"@scorers": "kg.corpus_ents_scorer.v1"}},
    default_score_weights={"scierc_ents_f": 1.0, "scierc_ents_p": 0.0, "scierc_ents_r": 0.0},
)
def make_encoder_ner(
    nlp: Language, name: str, spans_key: str, scorer: Callable[..., dict[str, Any]] | None
) -> EncoderSpanRecognizer:
    return EncoderSpanRecognizer(name, spans_key, partial(scorer, spans_key=spans_key) if scorer is not None else None)
