"""scripts/train_vectors.py: the static vectors the NER's tok2vec reads, on a tiny slice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED") or REPO / ".." / "shared")


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "data" / "scierc" / "train.jsonl").exists()
                    or not (SHARED / "data" / "scier" / "train.jsonl").exists(),
                    reason=f"SciERC/SciER not found under {SHARED}/data")
def test_tiny_vectors_run_feeds_a_tagger_head(tmp_path: Path):
    env = {**os.environ, "KG_SHARED": str(SHARED)}
    vectors = tmp_path / "vectors"
    subprocess.run([sys.executable, str(REPO / "scripts" / "train_vectors.py"), "--max-sentences", "300",
                    "--epochs", "1", "--output", str(vectors)], check=True, env=env, timeout=300,
                   capture_output=True)
    table = spacy.load(vectors).vocab
    # lowercase rows, every cased form a key of the same row: "BLEU" and "bleu" are one vector
    assert table.vectors.shape[0] > 100 and len(table.vectors.key2row) > table.vectors.shape[0]
    word = next(w for w in ("bleu", "model", "translation") if table.has_vector(w))
    assert table.has_vector(word.upper())
    assert (table.get_vector(word) == table.get_vector(word.upper())).all()

    model = tmp_path / "model"
    subprocess.run([sys.executable, str(REPO / "scripts" / "train_ner.py"), "--head", "tagger",
                    "--vectors", str(vectors), "--max-docs", "20", "--max-steps", "30", "--no-eval",
                    "--output", str(model)], check=True, env=env, timeout=300, capture_output=True)
    nlp = spacy.load(model)
    assert nlp.vocab.vectors.shape == table.vectors.shape
    assert nlp.config["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] is True
    nlp("We propose Janus, a framework for multimodal understanding.")
