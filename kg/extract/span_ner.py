"""The default NER: a fine-tuned transformer span classifier on onnxruntime (``kg_span_ner``).

The network is :mod:`kg.extract.encoder_ner`'s (MiniLM-L6 + PURE's span classifier, trained by
``scripts/train_encoder_ner.py --data main``); here it runs for extraction, so the cost matters:

* the encoder is an int8 ONNX model (``span_export``; per-channel weight scales) run by
  onnxruntime with **one** intra-op thread: extraction parallelises over worker processes, and
  two threads in one process burned more CPU for less speed on two cores (ENCODER-SPEED.md);
* each window is encoded **alone**, not in a batch with others: int8 dynamic quantization scales
  a product's input by the largest value in the whole batch, so batched neighbours moved a
  paper's token vectors (cosine ~0.99) and its entities with them, and a paper extracted by
  ``kg update`` or on a cluster could differ from the same paper in a full run. Batching bought
  nothing here: one window per call runs as fast as batches of 512 pieces, and batches of
  4,096 at 0.65× (their activations leave the cache; ``python -m kg.bench.encoder``);
* the span classifier's first layer is split by input (start word, end word, width), so it is
  three small products per *word* and one addition per span, not one product per span.

The component writes ``doc.ents`` (the main head; the rule components and the assembler read
them) and leaves ``doc.spans`` alone.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy
import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract import mentions as _mentions  # noqa: F401  (registers Doc._.kg_ner_scores)
from kg.extract.encoder_ner import decode_scored_spans, enumerate_spans, piece_windows, softmax
from kg.extract.judge import NerConfidences
from kg.extract.model_files import read_cfg_and_vocab, write_cfg_and_vocab
from kg.extract.wordpiece import WordPiece

__all__ = ["FACTORY", "SpanNer", "SpanNerModel"]

FACTORY = "kg_span_ner"
ENCODER_FILE = "encoder.onnx"
HEAD_FILE = "head.npz"
# onnxruntime's fused residual + LayerNorm kernel ran 9× slower than its plain LayerNormalization
# on this graph (a fifth of the encoder's time: kg.bench.encoder); unfused, the int8 states are as
# close to the fp32 network's (mean cosine 0.988 either way).
DISABLED_FUSIONS = ("SkipLayerNormFusion",)


def encoder_session(model: bytes, disabled_fusions: Sequence[str] = DISABLED_FUSIONS) -> Any:
    """An onnxruntime session as a worker runs the encoder (kg.bench.encoder varies the fusions)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    return onnxruntime.InferenceSession(
        model, options, providers=["CPUExecutionProvider"], disabled_optimizers=list(disabled_fusions)
    )


@functools.lru_cache(maxsize=1024)
def _span_index(n_words: int, max_width: int) -> tuple[list[tuple[int, int]], numpy.ndarray, numpy.ndarray]:
    """The spans of a window and their start and end word indices (the same for every window
    of a length: built once per length, not once per window)."""
    spans = enumerate_spans(n_words, max_width)
    starts = numpy.fromiter((s for s, _ in spans), numpy.intp, len(spans))
    ends = numpy.fromiter((e for _, e in spans), numpy.intp, len(spans))
    return spans, starts, ends


class SpanNerModel:
    """An int8 ONNX encoder, the span classifier's weights, the vocabulary and settings."""

    def __init__(
        self, encoder: bytes, head: dict[str, numpy.ndarray], vocab: Sequence[str], cfg: dict[str, Any]
    ) -> None:
        self.encoder_bytes = encoder
        self.head = {k: numpy.asarray(v, dtype=numpy.float32) for k, v in head.items()}
        self.cfg = cfg
        self.labels: list[str] = list(cfg["labels"])
        self.hidden = frozenset(cfg.get("hidden_labels", ()))
        self.threshold = float(cfg.get("none_threshold", 0.5))
        self.max_width = int(cfg["max_width"])
        self.wordpiece = WordPiece(vocab)
        self.session = encoder_session(encoder)
        w1 = self.head["span.w1"]
        hidden = (w1.shape[0] - self.head["span.width"].shape[1]) // 2
        # span features are [start word; end word; width]: split the first layer to match
        self.w_start, self.w_end = w1[:hidden], w1[hidden : 2 * hidden]
        self.width_h = self.head["span.width"] @ w1[2 * hidden :] + self.head["span.b1"]

    def __getstate__(self) -> dict[str, Any]:
        # an onnxruntime session does not pickle; worker processes rebuild it from the bytes
        return {k: v for k, v in self.__dict__.items() if k != "session"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.session = encoder_session(self.encoder_bytes)

    @classmethod
    def load(cls, path: Path) -> SpanNerModel:
        path = Path(path)
        cfg, vocab = read_cfg_and_vocab(path)
        with numpy.load(path / HEAD_FILE) as stored:
            head = dict(stored)
        return cls((path / ENCODER_FILE).read_bytes(), head, vocab, cfg)

    def save(self, path: Path) -> None:
        path = Path(path)
        write_cfg_and_vocab(path, self.cfg, self.wordpiece.vocab)
        (path / ENCODER_FILE).write_bytes(self.encoder_bytes)
        numpy.savez_compressed(path / HEAD_FILE, **self.head)  # type: ignore[arg-type]

    def _states(self, batch: list[list[int]]) -> numpy.ndarray:
        T = max(len(ids) for ids in batch)
        ids = numpy.zeros((len(batch), T), numpy.int64)
        mask = numpy.zeros((len(batch), T), numpy.float32)
        for b, row in enumerate(batch):
            ids[b, : len(row)] = row
            mask[b, : len(row)] = 1.0
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    def _window_spans(self, states: numpy.ndarray, first: list[int]) -> tuple[list[tuple[int, int]], numpy.ndarray]:
        words = states[first]
        spans, starts, ends = _span_index(len(first), self.max_width)
        h = (words @ self.w_start)[starts] + (words @ self.w_end)[ends] + self.width_h[ends - starts]
        numpy.maximum(h, 0.0, out=h)
        logits = h @ self.head["span.w2"] + self.head["span.b2"]
        return spans, softmax(numpy, logits)

    def predict_many(self, texts: Sequence[Sequence[str]]) -> list[list[tuple[int, int, str]]]:
        """(start, end exclusive, label) word spans for each word list."""
        return [[(s, e, label) for s, e, label, _ in spans] for spans in self.predict_scored(texts)]

    def predict_scored(self, texts: Sequence[Sequence[str]]) -> list[list[tuple[int, int, str, float]]]:
        """(start, end exclusive, label, probability that the span is an entity) word spans."""
        windows = [
            (t, ids, first, offset)
            for t, words in enumerate(texts)
            for ids, first, offset in piece_windows(self.wordpiece, words)
            if first
        ]
        out: list[list[tuple[int, int, str, float]]] = [[] for _ in texts]
        for t, ids, first, offset in windows:
            spans, probs = self._window_spans(self._states([ids])[0], first)
            for s, e, label, score in decode_scored_spans(spans, probs, self.threshold):
                name = self.labels[label - 1]
                if name not in self.hidden:
                    out[t].append((s + offset, e + offset, name, score))
        return [sorted(spans) for spans in out]


class SpanNer:
    """spaCy component: :class:`SpanNerModel`'s entities to ``doc.ents``. ``ner_confidences``
    says how extraction judges them (kg/extract/judge.py)."""

    def __init__(self, name: str, confidences: dict[str, Any] | None = None) -> None:
        self.name = name
        self.model: SpanNerModel | None = None
        self.ner_confidences = NerConfidences(**(confidences or {}))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(x for x in self.model.labels if x not in self.model.hidden) if self.model else ()

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        if self.model is None:
            raise ValueError(f"{self.name}: no model loaded (from_disk a trained model)")
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._set(batch)
                batch = []
        if batch:
            yield from self._set(batch)

    def _set(self, docs: list[Doc]) -> list[Doc]:
        from threadpoolctl import threadpool_limits

        assert self.model is not None
        # the span layer's products are small: a second BLAS thread only contends with the
        # other worker processes (50 ms instead of 1 ms per window on two busy cores)
        with threadpool_limits(1, user_api="blas"):
            found = self.model.predict_scored([[t.text for t in doc] for doc in docs])
        for doc, spans in zip(docs, found, strict=False):
            doc.ents = filter_spans([Span(doc, s, e, label=label) for s, e, label, _ in spans])
            doc._.kg_ner_scores = {(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])): p for s, e, _, p in spans}
        return docs

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        if self.model is None:
            raise ValueError(f"{self.name}: nothing to save")
        self.model.save(Path(path))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> SpanNer:
        self.model = SpanNerModel.load(Path(path))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        # pickling (nlp.pipe(n_process=...)) carries the model as it is in memory
        if self.model is None:
            return srsly.msgpack_dumps({})
        return srsly.msgpack_dumps(
            {
                "encoder": self.model.encoder_bytes,
                "head": self.model.head,
                "vocab": self.model.wordpiece.vocab,
                "cfg": self.model.cfg,
            }
        )

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> SpanNer:
        msg = srsly.msgpack_loads(data)
        if msg:
            self.model = SpanNerModel(msg["encoder"], msg["head"], msg["vocab"], msg["cfg"])
        return self


# How extraction judges this NER's spans (judge.NerConfidences; the policy is in MODEL_CARD.md).
DEFAULT_CONFIDENCES: dict[str, Any] = {}


@Language.factory(FACTORY, assigns=["doc.ents"], default_config={"confidences": DEFAULT_CONFIDENCES})
def make_span_ner(nlp: Language, name: str, confidences: dict[str, Any]) -> SpanNer:
    return SpanNer(name, confidences)
