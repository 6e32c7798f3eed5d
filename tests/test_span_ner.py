"""The default NER (kg_span_ner): the ONNX export computes the training network, the int8 model
stays close to it, the runtime's split span layer equals the concatenated one, the component
batches by length without changing results, and the training script's main-head path (four
corpora, partial labels) runs on a tiny slice and packages a loadable pipeline."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy
import pytest
import spacy
from conftest import load_script

from kg.eval.corpora import read_tdmsci
from kg.extract.encoder_ner import SpanEncoder, encode, enumerate_spans, softmax, span_logits
from kg.extract.packaged import model_path
from kg.extract.span_export import export_encoder
from kg.extract.span_ner import SpanNerModel

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data"
HEAD_DIR = model_path("fast") / "scierc_ner"  # a real fine-tuned MiniLM-L6 to export


@pytest.fixture(scope="module")
def trained() -> SpanEncoder:
    return SpanEncoder.load(HEAD_DIR)


def _session_states(path: Path, ids: numpy.ndarray, mask: numpy.ndarray) -> numpy.ndarray:
    import onnxruntime
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"input_ids": ids.astype(numpy.int64), "attention_mask": mask})[0]


def _batch(vocab_size: int) -> tuple[numpy.ndarray, numpy.ndarray]:
    ids = numpy.random.default_rng(0).integers(5, vocab_size, (2, 40))
    mask = numpy.ones((2, 40), numpy.float32)
    mask[1, 30:] = 0  # padding must not change the real pieces' states
    return ids, mask


@pytest.mark.slow
def test_onnx_graph_computes_the_training_network(trained, tmp_path):
    p, cfg = trained.params, trained.cfg
    path = export_encoder(p, cfg["n_layers"], cfg["n_heads"], tmp_path / "fp32.onnx", quantize=False)
    ids, mask = _batch(len(trained.wordpiece.vocab))
    ref = encode(numpy, p, ids, mask, cfg["n_layers"], cfg["n_heads"])
    got = _session_states(path, ids, mask)
    assert numpy.abs(ref - got)[mask > 0].max() < 1e-3


@pytest.mark.slow
def test_int8_per_channel_keeps_the_token_vectors(trained, tmp_path):
    p, cfg = trained.params, trained.cfg
    path = export_encoder(p, cfg["n_layers"], cfg["n_heads"], tmp_path / "int8.onnx")
    ids, mask = _batch(len(trained.wordpiece.vocab))
    ref = encode(numpy, p, ids, mask, cfg["n_layers"], cfg["n_heads"])[mask > 0]
    got = _session_states(path, ids, mask)[mask > 0]
    cosine = (ref * got).sum(-1) / numpy.linalg.norm(ref, axis=-1) / numpy.linalg.norm(got, axis=-1)
    # per-tensor scales give ~0.93 here; per-channel ~0.99
    assert cosine.mean() > 0.98 and cosine.min() > 0.95
    assert path.stat().st_size < 0.3 * sum(v.nbytes for k, v in p.items() if not k.startswith("span."))


@pytest.mark.slow
def test_split_span_layer_equals_the_concatenated_one(trained, tmp_path):
    p, cfg = trained.params, trained.cfg
    path = export_encoder(p, cfg["n_layers"], cfg["n_heads"], tmp_path / "fp32.onnx", quantize=False)
    model = SpanNerModel(path.read_bytes(), {k: v for k, v in p.items() if k.startswith("span.")},
                         trained.wordpiece.vocab, cfg)
    words = "We fine-tune BERT on SQuAD 2.0 and report exact match .".split()
    ids, first, _ = __import__("kg.extract.encoder_ner", fromlist=["piece_windows"]).piece_windows(
        trained.wordpiece, words)[0]
    states = model._states([ids])[0]
    spans, probs = model._window_spans(states, first)
    assert spans == enumerate_spans(len(first), cfg["max_width"])
    st = numpy.asarray([[s for s, _ in spans]])
    en = numpy.asarray([[e for _, e in spans]])
    ref = softmax(numpy, span_logits(numpy, p, states[None], numpy.asarray([first]), st, en)[0])
    assert numpy.allclose(ref, probs, atol=1e-4)


@pytest.mark.slow
def test_a_texts_predictions_do_not_depend_on_the_others_in_the_call(trained, tmp_path):
    p, cfg = trained.params, trained.cfg
    path = export_encoder(p, cfg["n_layers"], cfg["n_heads"], tmp_path / "fp32.onnx", quantize=False)
    model = SpanNerModel(path.read_bytes(), {k: v for k, v in p.items() if k.startswith("span.")},
                         trained.wordpiece.vocab, cfg)
    texts = [s.split() for s in (
        "Neural machine translation with attention",
        "We evaluate the parser on the Penn Treebank and report F1 .",
        "Speech recognition error rates drop on the Switchboard corpus using a hidden Markov model .",
    )]
    together = model.predict_many(texts)
    alone = [model.predict_many([t])[0] for t in texts]
    assert together == alone
    assert any(together)  # a trained SciERC head finds something in these


def test_tdmsci_reader_slices_train_and_dev_and_reads_bio(tmp_path):
    conll = tmp_path / "t.conll"
    rows = []
    for n in range(12):
        rows += [f"BLEU{n}\t0\tB-METRIC", "on\t5\tO", "WMT\t8\tB-DATASET", "news\t12\tI-DATASET", ""]
    conll.write_text("\n".join(rows) + "\n", encoding="utf-8")
    dev = list(read_tdmsci(conll, "dev"))
    train = list(read_tdmsci(conll, "train"))
    assert [ex.id for ex in dev] == ["tdmsci#0", "tdmsci#10"]
    assert len(train) == 10 and not {ex.id for ex in dev} & {ex.id for ex in train}
    assert train[0].spans == [(0, 1, "Metric"), (2, 4, "Dataset")]


@pytest.mark.skipif(not (SHARED / "tdmsci" / "train.conll").exists(),
                    reason="TDMSci not found in ../shared/data/tdmsci")
def test_tdmsci_corpus_reads_whole():
    from kg.eval.corpora import read_corpus
    train, dev = read_corpus("tdmsci", "train"), read_corpus("tdmsci", "dev")
    # its README says 1,522 sentences: 1,522 blank lines, and the last sentence has none after it
    assert len(train) + len(dev) == 1523
    labels = {label for ex in train + dev for *_, label in ex.spans}
    assert labels == {"Task", "Dataset", "Metric"}


def test_partial_labels_leave_unannotated_types_open():
    script = load_script("train_encoder_ner")
    from kg.eval.corpora import NerExample
    from kg.extract.wordpiece import WordPiece
    wp = WordPiece(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "we", "report", "bleu", "on", "wmt"])
    ex = NerExample("x", ["we", "report", "bleu", "on", "wmt"], [(4, 5, "Dataset")], "scier")
    (window,) = script.windows_of(wp, ex, 2, other=True, missing=frozenset({"Metric"}))
    bits = dict(zip(window["spans"], window["classes"], strict=False))
    classes = script.LABELS + [script.OTHER]
    metric, dataset = 1 << (classes.index("Metric") + 1), 1 << (classes.index("Dataset") + 1)
    assert bits[(4, 4)] == dataset  # annotated: that class only
    assert bits[(2, 2)] == 1 | metric  # "bleu" in a corpus without metrics: none *or* Metric
    (closed,) = script.windows_of(wp, ex, 2, other=True)
    assert dict(zip(closed["spans"], closed["classes"], strict=False))[(2, 2)] == 1


def test_our_samples_train_from_several_gold_files_but_never_a_held_out_one():
    script = load_script("train_encoder_ner")
    gold = script.ROOT / "tests" / "data" / "gold"
    one = script.sample_examples([gold / "train.jsonl"])
    two = script.sample_examples([gold / "train.jsonl", gold / "dev5.jsonl"])
    assert len(two) > len(one) and two[: len(one)] == one  # title and abstract of each paper
    assert any(label == "Dataset" for ex in two[len(one):] for *_, label in ex.spans)
    with pytest.raises(SystemExit, match="held-out"):
        script.sample_examples([gold / "train.jsonl", gold / "test2.jsonl"])


@pytest.mark.slow
@pytest.mark.skipif(not all((SHARED / d).exists() for d in ("scier", "scierc", "tdmsci")),
                    reason="SciER, SciERC or TDMSci not found in ../shared/data")
def test_main_head_trains_on_a_tiny_slice_and_packages_a_pipeline(tmp_path):
    script = load_script("train_encoder_ner")
    out, pipeline = tmp_path / "run", tmp_path / "sci_span"
    assert script.main(["--encoder", "tiny", "--data", "main", "--limit", "2", "--epochs", "1",
                        "--max-width", "4", "-o", str(out), "--package", str(pipeline)]) == 0
    nlp = spacy.load(pipeline)
    doc = nlp("We report BLEU on WMT14 .")
    assert nlp.pipe_names == ["ner"] and all(e.label_ in ("Method", "Dataset", "Metric", "Task") for e in doc.ents)
    copy = pickle.loads(pickle.dumps(nlp))  # worker processes get the pipeline by pickling
    assert [(e.text, e.label_) for e in copy("We report BLEU on WMT14 .").ents] == \
        [(e.text, e.label_) for e in doc.ents]
    # the judging the shipped model states travels with every packaged pipeline
    assert nlp.get_pipe("ner").ner_confidences.sure_lowercase_method == 0.85
    # the shipped run's second step: adapted on our gold sets, from the first step's head
    gold = script.ROOT / "tests" / "data" / "gold"
    assert script.main(["--encoder", "none", "--init", str(out / "model"), "--data", "adapt", "--limit", "2",
                        "--samples", str(gold / "train.jsonl"), str(gold / "dev.jsonl"), "--adapt-keep", "2",
                        "--max-width", "4", "--epochs", "1", "-o", str(tmp_path / "adapt"), "--package", str(pipeline)]) == 0
    adapted = spacy.load(pipeline)
    assert adapted.pipe_names == ["ner"] and adapted.meta["version"] == "1.2.0"


@pytest.mark.slow
def test_benchmark_baseline_graph_computes_the_same_states(trained, tmp_path):
    """kg.bench.encoder times the old tanh-chain GELU against FastGelu: both must compute the
    same network, or the comparison means nothing."""
    import onnxruntime

    from kg.bench.encoder import tanh_chain_graph
    p, cfg = trained.params, trained.cfg
    path = export_encoder(p, cfg["n_layers"], cfg["n_heads"], tmp_path / "fp32.onnx", quantize=False)
    chain = tanh_chain_graph(path.read_bytes())
    assert b"FastGelu" in path.read_bytes() and b"FastGelu" not in chain
    ids, mask = _batch(len(trained.wordpiece.vocab))
    feed = {"input_ids": ids.astype(numpy.int64), "attention_mask": mask}
    got = onnxruntime.InferenceSession(chain, providers=["CPUExecutionProvider"]).run(None, feed)[0]
    assert numpy.abs(got - _session_states(path, ids, mask))[mask > 0].max() < 1e-4


@pytest.mark.slow
def test_shipped_int8_model_gives_a_paper_the_same_entities_whoever_it_is_extracted_with():
    """int8 activation scales are per encoder call: encoding windows together let a paper's
    neighbours move its entities, so `kg update` or a cluster part could differ from a full run."""
    from kg.bench.common import SAMPLES, load_papers
    model = SpanNerModel.load(model_path("default") / "ner")
    nlp = spacy.blank("en")
    papers = load_papers((SAMPLES,), n=None)[:12]
    texts = [[t.text for t in nlp.make_doc(p.abstract)] for p in papers]
    together = model.predict_many(texts)
    assert together == [model.predict_many([t])[0] for t in texts]
    assert together[::-1] == model.predict_many(texts[::-1])
    assert sum(map(len, together)) > 30
