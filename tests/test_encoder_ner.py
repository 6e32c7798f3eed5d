"""The fine-tuned encoder head (kg_encoder_ner): tokenization, network, storage, decoding,
the shipped head's scores, and its training script on a tiny slice."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import numpy
import pytest
from conftest import load_script

from kg.extract import encoder_ner
from kg.extract.corpus_ner import corpus_heads
from kg.extract.encoder_ner import (MAX_PIECES, EncoderSpanRecognizer, SpanEncoder, decode_spans,
                                    dequantize, encode, enumerate_spans, piece_windows, quantize,
                                    span_logits)
from kg.extract.packaged import model_path
from kg.extract.pipeline import build_nlp
from kg.extract.wordpiece import WordPiece, basic_split

ROOT = Path(__file__).resolve().parents[1]
HEAD_DIR = model_path("fast") / "scierc_ner"
SHARED = ROOT / ".." / "shared" / "data" / "scierc"
needs_scierc = pytest.mark.skipif(not (SHARED / "test.jsonl").exists(),
                                  reason="SciERC not found in ../shared/data/scierc")


@pytest.fixture(scope="module")
def head() -> SpanEncoder:
    return SpanEncoder.load(HEAD_DIR)


def _script():
    return load_script("train_encoder_ner")


# --- WordPiece ---

def test_basic_split_is_berts_uncased_normalizer():
    assert basic_split("Transformer-based naïve Ångström") == ["transformer", "-", "based", "naive", "angstrom"]
    assert basic_split("北京大学") == ["北", "京", "大", "学"]  # CJK characters stand alone
    assert basic_split("x\u200by\x00") == ["xy"]  # format and control characters vanish
    assert basic_split("F1=64.2%") == ["f1", "=", "64", ".", "2", "%"]


# Segmentations by HuggingFace `tokenizers` with the full all-MiniLM-L6-v2 tokenizer.json
# (30,522 pieces): the shipped, pruned vocabulary must give the same for these words.
HF_SEGMENTATIONS = {
    "Transformer-based": ["transform", "##er", "-", "based"],
    "naïve": ["naive"],
    "SciERC": ["sci", "##er", "##c"],
    "BLEU-4": ["b", "##le", "##u", "-", "4"],
    "GPT‑4o": ["gp", "##t", "‑", "4", "##o"],
    "ImageNet-1K": ["image", "##net", "-", "1", "##k"],
    "F1-score": ["f1", "-", "score"],
    "ResNet50": ["res", "##net", "##50"],
    "LLaMA": ["ll", "##ama"],
}


def test_shipped_vocabulary_segments_as_the_full_tokenizer(head):
    wp = head.wordpiece
    for word, pieces in HF_SEGMENTATIONS.items():
        assert [wp.vocab[i] for i in wp.word_ids(word)] == pieces, word


def test_wordpiece_is_greedy_longest_match_and_whole_word_unknown():
    wp = WordPiece(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "una", "##ff"])
    assert [wp.vocab[i] for i in wp.word_ids("unaffable")] == ["una", "##ff", "##able"]
    assert wp.word_ids("unaffablez") == (wp.unk_id,)  # one unknown tail: the whole token is [UNK]
    with pytest.raises(ValueError, match=r"\[SEP\]"):
        WordPiece(["[PAD]", "[UNK]", "[CLS]"])


def test_pruned_vocabulary_still_segments_any_text(head):
    # every single character survives pruning, so rare words split into pieces, not [UNK]
    ids = head.wordpiece.word_ids("Zyxwvutsrqponmlkjih")
    assert ids and head.wordpiece.unk_id not in ids


def test_long_texts_split_into_windows_at_word_boundaries(head):
    words = ("The transformer encoder reads long scientific abstracts about segmentation ." * 120).split()
    windows = piece_windows(head.wordpiece, words)
    assert len(windows) > 1
    assert sum(len(first) for _, first, _ in windows) == len(words)
    for ids, first, offset in windows:
        assert len(ids) <= MAX_PIECES and ids[0] == head.wordpiece.cls_id and ids[-1] == head.wordpiece.sep_id
        # each word's first piece is that word's own first piece
        assert [ids[i] for i in first] == [head.wordpiece.word_ids(w)[0] for w in words[offset:offset + len(first)]]


# --- network, storage, decoding ---

def test_quantization_error_is_within_half_a_step():
    rng = numpy.random.default_rng(0)
    params = {"l0.q.w": rng.normal(0, 0.05, (64, 32)).astype(numpy.float32),
              "emb.word": rng.normal(0, 0.05, (100, 32)).astype(numpy.float32),
              "l0.q.b": rng.normal(0, 0.05, 32).astype(numpy.float32)}
    stored = quantize(params)
    assert stored["l0.q.w"].dtype == numpy.int8 and stored["l0.q.w@scale"].shape == (1, 32)
    assert stored["emb.word@scale"].shape == (100, 1)  # embedding rows are read one by one
    back = dequantize(stored)
    for name in ("l0.q.w", "emb.word"):
        assert numpy.all(numpy.abs(back[name] - params[name]) <= stored[name + "@scale"] / 2 + 1e-7)
    assert numpy.array_equal(back["l0.q.b"], params["l0.q.b"])


def test_decoding_keeps_the_most_confident_of_overlapping_spans():
    spans = [(0, 1), (1, 2), (2, 2), (4, 4)]
    probs = numpy.array([[0.2, 0.8, 0, 0, 0],    # words 0-1 Method, none 0.2
                         [0.1, 0, 0.9, 0, 0],    # words 1-2 Dataset, none 0.1: wins the overlap
                         [0.9, 0.1, 0, 0, 0],    # "none"
                         [0.55, 0, 0, 0, 0.45]])  # Task only if "none" below 0.6 will do
    assert decode_spans(spans, probs) == [(1, 3, 2)]
    assert decode_spans(spans, probs, none_threshold=0.6) == [(1, 3, 2), (4, 5, 4)]
    assert decode_spans(spans, probs, none_threshold=0.05) == []
    assert enumerate_spans(3, 2) == [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2)]


def test_hidden_class_wins_overlaps_but_is_never_output():
    # "Other" (SciERC's OtherScientificTerm/Generic) blocks the overlapping Method span, then
    # is dropped: the span it claimed is not an entity of ours.
    model = SpanEncoder({}, ["[PAD]", "[UNK]", "[CLS]", "[SEP]"],
                        {"labels": ["Method", "Dataset", "Metric", "Task", "Other"],
                         "hidden_labels": ["Other"]})
    spans = [(0, 1), (1, 2), (4, 4)]
    probs = numpy.array([[0.3, 0.7, 0, 0, 0, 0],
                         [0.1, 0, 0, 0, 0, 0.9],
                         [0.2, 0, 0, 0, 0.8, 0]])
    assert model.decode([(spans, probs, 10)]) == [(14, 15, "Task")]
    assert model.output_labels == ["Method", "Dataset", "Metric", "Task"]
    recognizer = EncoderSpanRecognizer("scierc_ner", "scierc", None)
    recognizer.model = model
    assert recognizer.labels == ("Method", "Dataset", "Metric", "Task")


def test_numpy_and_jax_run_the_same_network(head):
    jnp = pytest.importorskip("jax.numpy", reason="jax (the train extra) not installed")
    ids = numpy.asarray([piece_windows(head.wordpiece, "We fine-tune MiniLM on SciERC .".split())[0][0]])
    mask = numpy.ones_like(ids, dtype=numpy.float32)
    n, h = head.cfg["n_layers"], head.cfg["n_heads"]
    ours = encode(numpy, head.params, ids, mask, n, h)
    theirs = encode(jnp, {k: jnp.asarray(v) for k, v in head.params.items()}, jnp.asarray(ids), jnp.asarray(mask), n, h)
    assert numpy.allclose(ours, numpy.asarray(theirs), atol=1e-3)
    first, st, en = numpy.asarray([[1, 2]]), numpy.asarray([[0, 0]]), numpy.asarray([[0, 1]])
    assert numpy.allclose(span_logits(numpy, head.params, ours, first, st, en),
                          numpy.asarray(span_logits(jnp, head.params, theirs, first, st, en)), atol=1e-3)


# --- the shipped head ---

def test_shipped_head_is_disabled_and_not_loaded_for_extraction():
    assert "scierc_ner" not in build_nlp("fast", rules=False).component_names
    nlp = build_nlp("fast", rules=False, corpus_heads=True)
    assert corpus_heads(nlp) == {"scierc": "scierc_ner"} and "scierc_ner" in nlp.disabled
    assert isinstance(nlp.get_pipe("scierc_ner"), EncoderSpanRecognizer)
    assert nlp.get_pipe_meta("scierc_ner").factory == encoder_ner.FACTORY


def test_shipped_head_finds_scierc_style_mentions_and_keeps_doc_ents():
    nlp = build_nlp("fast", rules=False, corpus_heads=True)
    text = ("We present a statistical machine translation system that uses a phrase-based model "
            "and report BLEU on the Europarl corpus.")
    without = [(e.text, e.label_) for e in nlp(text).ents]
    nlp.enable_pipe("scierc_ner")
    doc = nlp(text)
    found = {(s.text, s.label_) for s in doc.spans["scierc"]}
    assert ("statistical machine translation system", "Method") in found or \
        ("statistical machine translation", "Task") in found, found
    assert ("BLEU", "Metric") in found, found
    assert [(e.text, e.label_) for e in doc.ents] == without  # the main head's answer is untouched
    # and it pickles with its weights, as nlp.pipe(n_process=...) needs
    again = pickle.loads(pickle.dumps(nlp))(text)
    assert {(s.text, s.label_) for s in again.spans["scierc"]} == found


def test_shipped_pipeline_stays_within_25_mb():
    size = sum(f.stat().st_size for f in model_path("fast").rglob("*") if f.is_file())
    assert size <= 25 * 1024 * 1024, size


# --- the training script ---

def test_training_script_runs_on_a_tiny_slice_and_adds_the_head(tmp_path):
    pytest.importorskip("jax", reason="jax (the train extra) not installed")
    if not (SHARED / "train.jsonl").exists():
        pytest.skip("SciERC not found in ../shared/data/scierc")
    script = _script()
    pipeline = tmp_path / "pipeline"
    shutil.copytree(model_path("fast"), pipeline)
    assert script.main(["--encoder", "tiny", "--limit", "4", "--epochs", "1", "-o", str(tmp_path / "run"),
                        "--other", "--add-to", str(pipeline)]) == 0
    scores = json.loads((tmp_path / "run" / "scores.json").read_text())
    assert scores["best_epoch"] == 1 and 0.0 <= scores["dev"]["micro"]["f"] <= 1.0
    nlp = build_nlp(pipeline, rules=False, corpus_heads=True)
    assert corpus_heads(nlp) == {"scierc": "scierc_ner"}
    cfg = SpanEncoder.load(pipeline / "scierc_ner").cfg
    assert cfg["encoder"].startswith("tiny") and cfg["hidden_labels"] == ["Other"]
    assert "Other" not in nlp.get_pipe("scierc_ner").labels
    assert "scierc_ner" in nlp.disabled and nlp.get_pipe_meta("scierc_ner").factory == encoder_ner.FACTORY


def test_training_vocabulary_pruning_keeps_what_the_corpora_use():
    script = _script()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b", "##b", "ab", "##ab", "abba"] + ["x"] * 1986 + ["the", "of", "zzz"]
    assert vocab[script.FIRST_WORD_ID] == "the"
    keep = script.prune_vocab(vocab, [["abba", "ab"]], common=2)
    kept = {vocab[i] for i in keep}
    assert {"abba", "ab", "the", "of"} <= kept and "zzz" not in kept and "##ab" not in kept
