"""The files every trained encoder head keeps beside its weights: ``cfg.json`` (labels,
thresholds, shapes) and ``vocab.txt`` (the WordPiece vocabulary, one piece a line). The numpy
encoder (``kg_encoder_ner``) and the ONNX one (``kg_span_ner``) differ only in their weights."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CFG_FILE = "cfg.json"
VOCAB_FILE = "vocab.txt"


def read_cfg_and_vocab(path: Path) -> tuple[dict[str, Any], list[str]]:
    cfg = json.loads((path / CFG_FILE).read_text(encoding="utf-8"))
    vocab = (path / VOCAB_FILE).read_text(encoding="utf-8").split("\n")
    return cfg, vocab


def write_cfg_and_vocab(path: Path, cfg: dict[str, Any], vocab: Sequence[str]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    (path / CFG_FILE).write_text(json.dumps(cfg, indent=1) + "\n", encoding="utf-8")
    (path / VOCAB_FILE).write_text("\n".join(vocab), encoding="utf-8")
