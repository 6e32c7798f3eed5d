"""The NER training script: missing-label conversion, the CI-sized run, the shipped pipeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from conftest import load_script

from kg.eval.corpora import NerExample

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED") or REPO / ".." / "shared")
MODEL = REPO / "kg" / "models" / "sci_ner"
SAMPLE = ("In this paper, we introduce Janus, an autoregressive framework that unifies multimodal "
          "understanding and generation. Experiments show that Janus surpasses previous unified "
          "model and matches or exceeds the performance of task-specific models.")

train_ner = load_script("train_ner")

# SciER train, doc 51923817 (CornerNet): it annotates the detector and the dataset, not AP.
CORNERNET = NerExample(
    "51923817#1",
    "Experiments show that CornerNet achieves a 42.2 % AP on MS COCO , outperforming all "
    "existing one - stage detectors .".split(),
    [(3, 4, "Method"), (10, 12, "Dataset")], "scier")


def test_unannotated_metrics_are_found_outside_gold_spans():
    lexicon = {("ap",), ("ms", "coco"), ("accuracy",)}
    # "MS COCO" is gold already; only AP is an unannotated metric.
    assert train_ner.unannotated_matches(CORNERNET.words, CORNERNET.spans, lexicon) == [(8, 9)]


def test_longest_lexicon_match_wins():
    words = "we report top-1 accuracy and accuracy".split()
    lexicon = {("accuracy",), ("top-1", "accuracy")}
    assert train_ner.unannotated_matches(words, [], lexicon) == [(2, 4), (5, 6)]


def test_training_doc_leaves_missing_tokens_unannotated():
    vocab = spacy.blank("en").vocab
    doc = train_ner.training_doc(vocab, CORNERNET, missing=[(8, 9)])
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("CornerNet", "Method"), ("MS COCO", "Dataset")]
    assert doc[8].text == "AP" and doc[8].ent_iob_ == ""  # missing: neither entity nor outside
    assert doc[7].ent_iob_ == "O"


def test_material_can_be_left_unannotated():
    vocab = spacy.blank("en").vocab
    ex = NerExample("X", "We train on the WMT corpus .".split(), [(3, 6, "Dataset")], "scierc")
    doc = train_ner.training_doc(vocab, ex, drop_labels=["Dataset"])
    assert not doc.ents and {t.ent_iob_ for t in doc[3:6]} == {""} and doc[0].ent_iob_ == "O"


def test_metric_lexicon_takes_scierc_metrics():
    ex = NerExample("X", "evaluated by word error rate".split(), [(2, 5, "Metric")], "scierc")
    lexicon = train_ner.metric_lexicon([ex])
    assert ("word", "error", "rate") in lexicon and ("bleu",) in lexicon


def test_sample_abstracts_are_long_lines_only():
    texts = train_ner.sample_abstracts()
    assert len(texts) > 100
    assert all(len(t) > 200 for t in texts)
    assert any(t.startswith("In this paper, we introduce Janus") for t in texts)


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "data" / "scierc" / "train.jsonl").exists()
                    or not (SHARED / "data" / "scier" / "train.jsonl").exists(),
                    reason=f"SciERC/SciER not found under {SHARED}/data "
                           "(set KG_SHARED to the shared directory)")
def test_tiny_training_run_gives_a_loadable_tagger(tmp_path: Path):
    out = tmp_path / "model"
    env = {**os.environ, "KG_SHARED": str(SHARED)}
    subprocess.run([sys.executable, str(REPO / "scripts" / "train_ner.py"), "--head", "ner",
                    "--max-docs", "20", "--max-steps", "60", "--output", str(out)],
                   check=True, env=env, timeout=300, capture_output=True)
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "ner"]  # the parser head of runs A-F still trains
    assert set(nlp.get_pipe("ner").labels) == {"Method", "Dataset", "Metric", "Task"}
    # Sixty steps teach it the slice it saw, not the world: tag the training texts themselves.
    from spacy.tokens import Doc
    from kg.eval.corpora import read_corpus
    seen = read_corpus("scierc", "train", SHARED / "data" / "scierc" / "train.jsonl")[:5]
    assert sum(len(nlp(Doc(nlp.vocab, words=ex.words)).ents) for ex in seen) > 0
    config = (out / "config.cfg").read_text()
    assert str(tmp_path) not in config and "/shared/" not in config


@pytest.mark.skipif(not (MODEL / "meta.json").exists(), reason="kg/models/sci_ner not built")
def test_shipped_pipeline_is_small_self_contained_and_tags_a_sample():
    size = sum(p.stat().st_size for p in MODEL.rglob("*") if p.is_file())
    assert size <= 25 * 1024 * 1024
    nlp = spacy.load(MODEL)
    assert nlp.pipe_names == ["tok2vec", "ner_tagger", "kg_tagged_entities"]
    assert nlp.vocab.vectors.shape[1] == 100 and nlp.vocab.has_vector("ImageNet")
    # examples/hf-papers/000, the MMRL abstract.
    doc = nlp("Large-scale pre-trained Vision-Language Models (VLMs) have become essential for "
              "transfer learning across diverse tasks. To tackle this issue, we propose a novel "
              "Multi-Modal Representation Learning (MMRL) framework.")
    found = {(e.text, e.label_) for e in doc.ents}
    assert ("transfer learning", "Task") in found
    assert {label for _, label in found} >= {"Method", "Task"}
    meta = json.loads((MODEL / "meta.json").read_text())
    assert "GPL" in meta["license"]


def test_a_smoke_run_never_replaces_the_shipped_model():
    before = sorted(p.stat().st_mtime_ns for p in MODEL.rglob("*")) if MODEL.exists() else []
    with pytest.raises(SystemExit, match="--output"):
        train_ner.main(["--max-docs", "20", "--max-steps", "10"])
    after = sorted(p.stat().st_mtime_ns for p in MODEL.rglob("*")) if MODEL.exists() else []
    assert before == after
