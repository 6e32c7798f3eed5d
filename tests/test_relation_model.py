"""The entity-pair relation classifier: features, decoding, weights, spaCy factory, trainer."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Span

from kg.eval.corpora import shared_dir
from kg.extract.relation_model import (MODEL_DIR, RelationModel, candidate_pairs, label_set,
                                       load_model, pair_label, predict_relations,
                                       split_sentences, tokenize)
from kg.schema import allowed

REPO = Path(__file__).resolve().parents[1]
HAS_SHARED = (shared_dir() / "data" / "scierc" / "train.jsonl").exists()
HAS_MODEL = (MODEL_DIR / "weights.npz").exists()

CORNERNET = ("Experiments show that CornerNet achieves 42.2% AP on MS COCO, outperforming all "
             "existing one-stage detectors.")


def mention(text: str, surface: str, label: str) -> tuple[int, int, str]:
    start = text.index(surface)
    return start, start + len(surface), label


def test_tokenize_splits_letters_digits_and_punctuation() -> None:
    text = "ResNet-50 gets 76.1%"
    assert [text[s:e] for s, e in tokenize(text)] == ["ResNet", "-", "50", "gets", "76", ".", "1", "%"]


def test_split_sentences_keeps_abbreviations_inside() -> None:
    text = "We follow Lin et al. on COCO. Methods, e.g. DETR, help. Results improve."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "We follow Lin et al. on COCO.", "Methods, e.g. DETR, help.", "Results improve."]


def test_label_set_has_one_label_for_symmetric_two_for_directed() -> None:
    assert label_set(["USED_FOR", "CONJUNCTION", "USED_FOR"]) == ["NONE", "CONJUNCTION",
                                                                   "USED_FOR>", "USED_FOR<"]
    assert pair_label("USED_FOR", a_is_head=False) == "USED_FOR<"
    assert pair_label("CONJUNCTION", a_is_head=False) == "CONJUNCTION"


def test_candidate_pairs_stay_in_sentences_and_skip_overlaps() -> None:
    text = "BERT is used for parsing. GPT is used for translation."
    ms = [mention(text, "BERT", "Method"), mention(text, "parsing", "Task"),
          mention(text, "GPT", "Method"), mention(text, "translation", "Task"),
          (0, 2, "Method")]  # "BE": overlaps BERT
    pairs = candidate_pairs(text, ms)
    got = {(text[p.a[0]:p.a[1]], text[p.b[0]:p.b[1]]) for p in pairs}
    assert got == {("BERT", "parsing"), ("BE", "parsing"), ("GPT", "translation")}
    bert = next(p for p in pairs if text[p.a[0]:p.a[1]] == "BERT")
    assert "mk=for|Method|Task" in bert.features
    assert "gap=is used for" in bert.features


def synthetic_model(bias: list[float], relation: str = "USED_FOR") -> RelationModel:
    labels = ["NONE", f"{relation}>", f"{relation}<"]
    return RelationModel(labels, 4, np.array([3]), np.array([[0.0, 1.0, 0.0]]),
                         np.array(bias, np.float32))


def test_decoding_only_returns_relations_the_schema_allows() -> None:
    text = "BERT is tested on SQuAD."
    model = synthetic_model([0.0, 5.0, 4.0], "EVALUATED_ON")
    ms = [mention(text, "BERT", "Method"), mention(text, "SQuAD", "Dataset")]
    # The bias prefers A → B (Method EVALUATED_ON Dataset: allowed) ...
    out = predict_relations(text, ms, model=model)
    assert [(r["type"], text[slice(*r["head"])]) for r in out] == [("EVALUATED_ON", "BERT")]
    # ... but Dataset EVALUATED_ON Method is not, so with the types swapped A → B is never
    # returned, whatever its score: the allowed B → A is.
    ms_rev = [mention(text, "BERT", "Dataset"), mention(text, "SQuAD", "Method")]
    out = predict_relations(text, ms_rev, model=model)
    assert all(allowed(r["type"], r["head_label"], r["tail_label"]) for r in out)
    assert [text[slice(*r["head"])] for r in out] == ["SQuAD"]
    assert predict_relations(text, ms_rev, model=model, schema_only=False)[0]["head"] == ms_rev[0][:2]
    # USED_FOR takes any of SciERC's four types on either side (SciERC has Task USED-FOR Task)
    # but nothing else: no Repository is used for anything.
    assert allowed("USED_FOR", "Task", "Task") and allowed("USED_FOR", "Method", "Metric")
    assert not allowed("USED_FOR", "Repository", "Task")


def test_weights_round_trip(tmp_path: Path) -> None:
    model = synthetic_model([0.5, -1.0, 2.0])
    model.none_offset = -0.5
    model.save(tmp_path)
    loaded = RelationModel.load(tmp_path)
    assert loaded.labels == model.labels and loaded.none_offset == -0.5
    text = "SQuAD serves question answering."
    ms = [mention(text, "SQuAD", "Dataset"), mention(text, "question answering", "Task")]
    pairs = candidate_pairs(text, ms)
    (label, p), = loaded.classify(pairs)
    (label_before, p_before), = model.classify(pairs)
    assert label == label_before and p == pytest.approx(p_before, rel=1e-3)
    assert (loaded.row_of == model.row_of).all()
    assert loaded.weights == pytest.approx(model.weights)


@pytest.mark.skipif(not HAS_MODEL, reason="kg/models/relations not trained")
def test_trained_model_relates_cornernet_to_its_benchmark_and_metric() -> None:
    ms = [mention(CORNERNET, "CornerNet", "Method"), mention(CORNERNET, "AP", "Metric"),
          mention(CORNERNET, "MS COCO", "Dataset")]
    out = predict_relations(CORNERNET, ms)
    got = {(r["type"], CORNERNET[slice(*r["head"])], CORNERNET[slice(*r["tail"])]) for r in out}
    assert got & {("EVALUATED_ON", "CornerNet", "MS COCO"), ("EVALUATE_FOR", "MS COCO", "CornerNet")}
    assert ("EVALUATE_FOR", "AP", "CornerNet") in got
    for r in out:
        assert r["extractor"] == "kg_relation_model" and 0 < r["confidence"] <= 1
        assert allowed(r["type"], r["head_label"], r["tail_label"])


@pytest.mark.skipif(not HAS_MODEL, reason="kg/models/relations not trained")
def test_trained_model_finds_used_for_and_nothing_across_sentences() -> None:
    text = "We apply a graph neural network to molecule property prediction. ImageNet is large."
    ms = [mention(text, "graph neural network", "Method"),
          mention(text, "molecule property prediction", "Task"), mention(text, "ImageNet", "Dataset")]
    out = predict_relations(text, ms)
    assert [(r["type"], text[slice(*r["head"])], text[slice(*r["tail"])]) for r in out] == [
        ("USED_FOR", "graph neural network", "molecule property prediction")]
    assert text[slice(*out[0]["sentence"])] == (
        "We apply a graph neural network to molecule property prediction.")


@pytest.mark.skipif(not HAS_MODEL, reason="kg/models/relations not trained")
def test_factory_leaves_plain_dicts_on_the_doc() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_relation_model")
    doc = nlp.make_doc(CORNERNET)
    doc.ents = [doc.char_span(s, e, label=label) for s, e, label in (
        mention(CORNERNET, "CornerNet", "Method"), mention(CORNERNET, "MS COCO", "Dataset"))]
    doc = nlp.get_pipe("kg_relation_model")(doc)
    rels = doc._.kg_relations
    assert rels and all(isinstance(r, dict) for r in rels)
    assert not any(isinstance(v, Span) for r in rels for v in r.values())
    pickle.dumps(rels)
    assert {CORNERNET[slice(*rels[0]["head"])], CORNERNET[slice(*rels[0]["tail"])]} == {
        "CornerNet", "MS COCO"}


@pytest.mark.shared
@pytest.mark.skipif(not HAS_SHARED, reason="../shared/data/scierc absent (set KG_SHARED)")
def test_tiny_training_run_writes_a_loadable_model_and_repeats_exactly(tmp_path: Path) -> None:
    # Two processes with different string hashing: the weights must be byte-identical (they
    # were not while feature indices were summed in set order).
    for run in ("a", "b"):
        done = subprocess.run([sys.executable, str(REPO / "scripts" / "train_relations.py"),
                               "--max-docs", "10", "--epochs", "2", "--bits", "14",
                               "--ner", str(REPO / "kg" / "models" / "sci_ner"),
                               "--out", str(tmp_path / run)], capture_output=True, text=True,
                              timeout=120, env={**os.environ, "PYTHONHASHSEED": str(ord(run))})
        assert done.returncode == 0, done.stderr
    model = load_model(tmp_path / "a")
    assert model.labels[0] == "NONE" and "USED_FOR>" in model.labels
    assert 0.0 <= model.meta["dev_f1"] <= 1.0 and model.meta["max_docs"] == 10
    assert 0.0 <= model.meta["dev_rel+_boundaries_f1"] <= 1.0
    assert model.meta["selected_on"].startswith("mean of scierc dev rel and rel+")
    assert (tmp_path / "a" / "weights.npz").stat().st_size < 5_000_000
    assert (tmp_path / "a" / "weights.npz").read_bytes() == (tmp_path / "b" / "weights.npz").read_bytes()


def test_one_sentence_splitter_for_every_finder() -> None:
    # The relation model used a splitter of its own that broke "(e.g. Bert" after the bracket.
    from kg.extract import relation_model, results, sentences
    assert relation_model.split_sentences is sentences.split_sentences
    assert results.split_sentences is sentences.split_sentences
    text = "Models (e.g. Bert, GPT) help, etc. Our TeminAL A. Then it stops. Next one."
    assert [text[s:e] for s, e in sentences.split_sentences(text)] == [
        "Models (e.g. Bert, GPT) help, etc. Our TeminAL A. Then it stops.", "Next one."]
