"""The SciERC-convention head (kg_corpus_ner): its output, its scorer, its training, `kg eval --head`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner
from conftest import load_script
from spacy.tokens import Doc, Span
from spacy.training import Example

from kg.cli import cli
from kg.eval.ner import describe_head, entity_reader, evaluate_ner
from kg.extract.corpus_ner import corpus_heads, score_corpus_ents
from kg.extract.encoder_ner import EncoderSpanRecognizer

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED") or REPO / ".." / "shared")
MODEL = REPO / "kg" / "models" / "sci_ner"
HAS_DATA = ((SHARED / "data" / "scierc" / "train.jsonl").exists()
            and (SHARED / "data" / "scier" / "train.jsonl").exists())
needs_shared = pytest.mark.skipif(not HAS_DATA, reason=f"SciERC/SciER not found under {SHARED}/data "
                                                       "(set KG_SHARED to the shared directory)")
needs_model = pytest.mark.skipif(not (MODEL / "meta.json").exists(), reason="kg/models/sci_ner not built")

# SciERC test, an abstract on statistical MT (the convention: generic noun phrases are mentions).
SCIERC_STYLE = ("We present a statistical machine translation system that uses a phrase-based "
                "model to translate English speech into French text.")
WORDS = "We evaluate Janus on MS COCO with AP .".split()


def _doc(words: list[str], tags: list[str] | None = None) -> Doc:
    return Doc(spacy.blank("en").vocab, words=words, tags=tags)


def test_corpus_scorer_reads_the_spans_key_and_prefixes_its_scores():
    ref = _doc(WORDS)
    ref.set_ents([Span(ref, 2, 3, "Method"), Span(ref, 4, 6, "Dataset")], default="outside")
    pred = _doc(WORDS)
    pred.set_ents([Span(pred, 7, 8, "Metric")], default="outside")  # the main head's, not scored
    pred.spans["scierc"] = [Span(pred, 2, 3, "Method"), Span(pred, 5, 6, "Dataset")]
    scores = score_corpus_ents([Example(pred, ref)], spans_key="scierc")
    assert scores["scierc_ents_p"] == 0.5 and scores["scierc_ents_r"] == 0.5
    assert "ents_f" not in scores  # the main head's key is left alone
    assert pred.ents[0].label_ == "Metric"  # scoring does not touch the doc


def test_corpus_scorer_skips_texts_without_entity_annotation():
    ref = _doc(WORDS)  # a SciER text: no entity annotation for this head
    pred = _doc(WORDS)
    pred.spans["scierc"] = [Span(pred, 2, 3, "Method")]
    assert score_corpus_ents([Example(pred, ref)], spans_key="scierc")["scierc_ents_f"] is None


@needs_model
def test_shipped_model_has_a_disabled_scierc_head_that_leaves_doc_ents_alone():
    nlp = spacy.load(MODEL)
    assert corpus_heads(nlp) == {"scierc": "scierc_ner"} and "scierc_ner" in nlp.disabled
    assert isinstance(nlp.get_pipe("scierc_ner"), EncoderSpanRecognizer)  # the fine-tuned encoder
    main = [(e.start, e.end, e.label_) for e in nlp(SCIERC_STYLE).ents]
    nlp.enable_pipe("scierc_ner")
    doc = nlp(SCIERC_STYLE)
    assert [(e.start, e.end, e.label_) for e in doc.ents] == main
    scierc = {(s.text, s.label_) for s in doc.spans["scierc"]}
    # SciERC's convention: the generic system phrase is a Method, as its annotators mark it.
    assert any(label == "Method" and "translation" in text for text, label in scierc), scierc


@needs_model
def test_extraction_does_not_load_the_scierc_head_and_eval_does():
    from kg.extract.pipeline import build_nlp
    nlp = build_nlp("fast")
    assert "scierc_ner" not in nlp.component_names
    assert "scierc" not in nlp(SCIERC_STYLE).spans
    assert [(e.start, e.end) for e in nlp(SCIERC_STYLE).ents] == [
        (e.start, e.end) for e in spacy.load(MODEL)(SCIERC_STYLE).ents]
    evaluating = build_nlp("fast", rules=False, corpus_heads=True)
    assert corpus_heads(evaluating) == {"scierc": "scierc_ner"} and "scierc_ner" in evaluating.disabled


@needs_model
def test_entity_reader_enables_the_head_only_while_scoring():
    nlp = spacy.load(MODEL)
    assert describe_head(nlp, "scierc") == "scierc_ner head (doc.spans['scierc'])"
    assert describe_head(nlp, "scierc", "main") == describe_head(nlp, "scier") == "main head (doc.ents)"
    with entity_reader(nlp, "scierc") as entities:
        assert "scierc_ner" in nlp.pipe_names
        assert list(entities(nlp(SCIERC_STYLE)))
    assert "scierc_ner" in nlp.disabled
    with pytest.raises(ValueError, match="unknown head"):
        describe_head(nlp, "scierc", "best")


@needs_shared
@needs_model
def test_scierc_head_beats_the_main_head_on_scierc_and_the_cli_says_which_it_scored():
    nlp = spacy.load(MODEL)
    corpus = evaluate_ner(nlp, "scierc", "dev")["micro"]["f"]
    main = evaluate_ner(nlp, "scierc", "dev", head="main")["micro"]["f"]
    assert corpus > main + 0.05, (corpus, main)
    out = CliRunner().invoke(cli, ["eval", "--dataset", "scierc", "--split", "dev"])
    assert out.exit_code == 0, out.output
    assert "scierc_ner head" in out.output and f"{corpus:6.3f}" in out.output
    out = CliRunner().invoke(cli, ["eval", "--dataset", "scierc", "--split", "dev", "--head", "main"])
    assert "main head" in out.output and f"{main:6.3f}" in out.output


@pytest.mark.shared
@needs_shared
def test_tiny_two_head_run_adds_a_self_contained_disabled_scierc_head(tmp_path: Path):
    out = tmp_path / "model"
    env = {**os.environ, "KG_SHARED": str(SHARED)}
    subprocess.run([sys.executable, str(REPO / "scripts" / "train_ner.py"),
                    "--max-docs", "20", "--max-steps", "60", "--no-eval", "--output", str(out)],
                   check=True, env=env, timeout=300, capture_output=True)
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "ner_tagger", "kg_tagged_entities"]
    assert nlp.disabled == ["scierc_ner"]
    assert nlp.component_names.index("scierc_ner") < nlp.component_names.index("ner_tagger")
    assert set(nlp.get_pipe("scierc_ner").labels) == {"Method", "Dataset", "Metric", "Task"}
    # It has its own tok2vec (the main one was trained on other targets): it runs alone.
    nlp.enable_pipe("scierc_ner")
    from kg.eval.corpora import read_corpus
    seen = read_corpus("scierc", "train", SHARED / "data" / "scierc" / "train.jsonl")[:5]
    with nlp.select_pipes(enable=["scierc_ner"]):
        docs = [nlp(Doc(nlp.vocab, words=ex.words)) for ex in seen]
    assert sum(len(d.spans["scierc"]) for d in docs) > 0 and not any(d.ents for d in docs)


def test_training_a_head_alone_needs_the_pipeline_it_joins(tmp_path: Path):
    train_ner = load_script("train_ner")
    with pytest.raises(SystemExit, match="--add-to"):
        train_ner.main(["--head", "scierc", "--output", str(tmp_path / "x")])
    with pytest.raises(SystemExit, match="not a spaCy pipeline"):
        train_ner.main(["--head", "scierc", "--add-to", str(tmp_path), "--output", str(tmp_path / "x")])
    with pytest.raises(SystemExit, match="--sources must include scierc"):
        train_ner.main(["--sources", "scier", "--output", str(tmp_path / "x")])


@needs_shared
@needs_model
def test_end_to_end_relations_read_the_scierc_head_by_default():
    from kg.eval.relations import evaluate_relations
    nlp = spacy.load(MODEL)
    corpus = evaluate_relations("scierc", "dev", nlp=nlp, setting="rel+")
    main = evaluate_relations("scierc", "dev", nlp=nlp, setting="rel+", head="main")
    # Better mentions, better end-to-end relations (test: 0.269 against 0.095, README).
    assert corpus["micro"]["f1"] > main["micro"]["f1"], (corpus["micro"], main["micro"])
    assert "scierc_ner" in nlp.disabled  # and the head is off again


@needs_model
def test_the_pipeline_with_its_scierc_head_pickles():
    # spaCy pickles pipelines for nlp.pipe(n_process=...); a closure as scorer broke that.
    import pickle
    nlp = pickle.loads(pickle.dumps(spacy.load(MODEL)))
    nlp.enable_pipe("scierc_ner")
    doc = nlp(SCIERC_STYLE)
    assert nlp.get_pipe("scierc_ner").spans_key == "scierc" and list(doc.spans["scierc"])
