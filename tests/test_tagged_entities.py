"""kg_tagged_entities (BIO/BILUO tags → doc.ents) and the tagger-head option of train_ner.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from conftest import load_script
from spacy.tokens import Doc
from spacy.training import Example

from kg.eval.corpora import NerExample
from kg.extract.tagged_entities import decode_tags

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED") or REPO / ".." / "shared")

train_ner = load_script("train_ner")

# examples/hf-papers: the Janus abstract, tagged by hand.
JANUS = [
    ("In", "O"), ("this", "O"), ("paper", "O"), (",", "O"), ("we", "O"), ("introduce", "O"),
    ("Janus", "B-Method"), (",", "O"), ("an", "O"), ("autoregressive", "B-Method"),
    ("framework", "I-Method"), ("that", "O"), ("unifies", "O"), ("multimodal", "B-Task"),
    ("understanding", "I-Task"), ("and", "O"), ("generation", "I-Task"), (".", "O"),
]


def janus_doc(nlp, tags=None) -> Doc:
    words, gold = zip(*JANUS)
    return Doc(nlp.vocab, words=list(words), tags=list(tags or gold))


def test_decoder_sets_entities_from_bio_tags_and_clears_them():
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_tagged_entities", config={"strict": False})
    doc = nlp(janus_doc(nlp))
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Janus", "Method"), ("autoregressive framework", "Method"), ("multimodal understanding", "Task"),
        ("generation", "Task")]  # lenient: the I- after "and" (O) is stray and starts a new entity
    assert {t.tag_ for t in doc} == {""} and not doc.has_annotation("TAG")
    assert all(t.ent_iob_ in "BIO" and t.ent_iob_ for t in doc)  # everything else is outside


def test_lenient_decoding_of_a_stray_inside_and_a_type_change():
    assert decode_tags(["I-Method", "I-Method", "O"], strict=False) == [(0, 2, "Method")]
    # a type change closes the entity; I- of the new type opens one
    assert decode_tags(["B-Method", "I-Method", "I-Task", "I-Task"], strict=False) == [
        (0, 2, "Method"), (2, 4, "Task")]
    assert decode_tags(["B-Task", "B-Task", "I-Task"], strict=False) == [(0, 1, "Task"), (1, 3, "Task")]
    assert decode_tags(["B-Dataset"], strict=False) == [(0, 1, "Dataset")]  # an entity open at the end
    assert decode_tags(["", "NN", "O", "-LRB-"], strict=False) == []  # no entity tags: nothing


def test_strict_is_the_default():
    # Per-token softmax leaves stray I- tags; read as entities they were fragments ("visual",
    # "learning") and cost 0.025-0.035 F1 on SciER dev (MODEL_CARD.md, runs H vs H-strict)
    assert decode_tags(["I-Method", "I-Method", "O"]) == []
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_tagged_entities")
    doc = nlp(janus_doc(nlp))
    assert [e.text for e in doc.ents] == ["Janus", "autoregressive framework", "multimodal understanding"]


def test_strict_decoding_reads_a_stray_inside_as_outside():
    assert decode_tags(["I-Method", "I-Method", "O"], strict=True) == []
    assert decode_tags(["B-Method", "I-Method", "I-Task", "I-Task"], strict=True) == [(0, 2, "Method")]
    assert decode_tags(["B-Task", "O", "I-Task", "B-Task", "I-Task"], strict=True) == [
        (0, 1, "Task"), (3, 5, "Task")]
    assert decode_tags(["L-Task", "U-Task", "B-Task", "L-Task"], strict=True) == [(1, 2, "Task"), (2, 4, "Task")]
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_tagged_entities", config={"strict": True})
    doc = nlp(janus_doc(nlp))
    assert [e.text for e in doc.ents][-1] == "multimodal understanding"  # "generation" was a stray I-


def test_biluo_tags_decode_too():
    tags = ["U-Method", "O", "B-Task", "I-Task", "L-Task", "L-Metric", "B-Method", "L-Method"]
    assert decode_tags(tags, strict=False) == [(0, 1, "Method"), (2, 5, "Task"), (5, 6, "Metric"), (6, 8, "Method")]
    assert decode_tags(tags) == [(0, 1, "Method"), (2, 5, "Task"), (6, 8, "Method")]  # strict: L- alone is O


def test_training_tags_leave_missing_tokens_empty():
    vocab = spacy.blank("en").vocab
    # SciER train, doc 51923817: AP is an unannotated metric, so it is missing, not "O".
    ex = NerExample("51923817#1", "Experiments show that CornerNet achieves a 42.2 % AP on MS COCO .".split(),
                    [(3, 4, "Method"), (10, 12, "Dataset")], "scier")
    doc = train_ner.training_doc(vocab, ex, missing=[(8, 9)])
    assert train_ner.entity_tags(doc) == ["O", "O", "O", "B-Method", "O", "O", "O", "O", "",
                                          "O", "B-Dataset", "I-Dataset", "O"]
    assert train_ner.entity_tags(doc, "biluo")[3] == "U-Method"
    assert train_ner.entity_tags(doc, "biluo")[10:12] == ["B-Dataset", "L-Dataset"]
    # A dropped label (SciERC Material with --material missing) is missing too.
    dropped = train_ner.training_doc(vocab, ex, drop_labels=["Dataset"])
    assert train_ner.entity_tags(dropped)[10:12] == ["", ""]
    train_ner.set_entity_tags(doc)
    assert doc[3].tag_ == "B-Method" and doc[8].tag_ == "" and doc.ents  # entities kept for scoring


def test_the_tagger_loss_ignores_empty_tags():
    nlp = spacy.blank("en")
    tagger = nlp.add_pipe("tagger")
    words, tags = zip(*JANUS)
    missing = ["" if t == "B-Method" else t for t in tags]
    gold = Example(Doc(nlp.vocab, words=list(words)), Doc(nlp.vocab, words=list(words), tags=missing))
    nlp.initialize(lambda: [gold])
    _, d_scores = tagger.get_loss([gold], tagger.model.predict([gold.predicted]))
    rows = [i for i, t in enumerate(missing) if t == ""]
    assert rows and all(not d_scores[0][i].any() for i in rows)
    assert all(d_scores[0][i].any() for i in range(len(words)) if i not in rows)


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "data" / "scierc" / "train.jsonl").exists()
                    or not (SHARED / "data" / "scier" / "train.jsonl").exists(),
                    reason=f"SciERC/SciER not found under {SHARED}/data")
def test_tiny_tagger_head_run_loads_with_entities(tmp_path: Path):
    out = tmp_path / "model"
    env = {**os.environ, "KG_SHARED": str(SHARED)}
    subprocess.run([sys.executable, str(REPO / "scripts" / "train_ner.py"), "--head", "tagger",
                    "--max-docs", "20", "--max-steps", "60", "--no-eval", "--output", str(out)],
                   check=True, env=env, timeout=300, capture_output=True)
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "ner_tagger", "kg_tagged_entities"]
    assert "B-Method" in nlp.get_pipe("ner_tagger").labels
    # the training selected checkpoints on entity F1, not tag accuracy
    weights = {k: v for k, v in nlp.config["training"]["score_weights"].items() if v}
    assert weights == {"ents_f": 1.0}
    from kg.eval.corpora import read_corpus
    from kg.extract.pipeline import build_nlp
    seen = read_corpus("scierc", "train", SHARED / "data" / "scierc" / "train.jsonl")[:5]
    docs = [nlp(Doc(nlp.vocab, words=ex.words)) for ex in seen]
    assert sum(len(d.ents) for d in docs) > 0
    assert all(t.tag_ == "" for d in docs for t in d)
    # the extraction pipeline loads it like the parser-head model
    full = build_nlp(out)
    assert "kg_tagged_entities" in full.pipe_names and "sentencizer" in full.pipe_names
    full("We propose Janus, a framework for multimodal understanding.")
