"""SciERC/SciER relation readers and scoring in the rel and rel+ settings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import spacy

from kg.eval.corpora import shared_dir
from kg.eval.relations import (CORPUS_RELATION_TYPES, RelationDoc, arguments_found,
                               evaluate_relations, format_relation_table, gold_triples,
                               predicted_triples, read_relation_corpus, read_scier_relations,
                               read_scierc_relations, score_triples)
from kg.extract.relation_model import MODEL_DIR, RelationModel, load_model

HAS_SCIERC = (shared_dir() / "data" / "scierc" / "dev.jsonl").exists()
HAS_MODEL = (MODEL_DIR / "weights.npz").exists()

SCIERC_DOC = {
    "doc_key": "X1",
    "sentences": [["We", "use", "CRF", "-LRB-", "conditional", "random", "field", "-RRB-",
                   "for", "tagging", "."],
                  ["The", "Penn", "Treebank", "and", "features", "help", "."]],
    "ner": [[[2, 2, "Method"], [4, 6, "Method"], [9, 9, "Task"]],
            [[12, 13, "Material"], [15, 15, "OtherScientificTerm"]]],
    "relations": [[[2, 2, 9, 9, "USED-FOR"]],
                  [[12, 13, 15, 15, "CONJUNCTION"]]],
    "clusters": [],
}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_scierc_reader_maps_types_and_drops_relations_outside_our_types(tmp_path: Path) -> None:
    doc, = read_scierc_relations(write_jsonl(tmp_path / "d.jsonl", [SCIERC_DOC]))
    assert doc.words[3] == "(" and doc.sentences == [(0, 11), (11, 18)]
    assert doc.entities == [(2, 3, "Method"), (4, 7, "Method"), (9, 10, "Task"),
                            (12, 14, "Dataset")]
    assert doc.relations == [((2, 3), (9, 10), "USED_FOR")]  # the CONJUNCTION had an OST arg
    doc_all, = read_scierc_relations(tmp_path / "d.jsonl", keep_other_types=True)
    assert ((12, 14), (15, 16), "CONJUNCTION") in doc_all.relations


def test_side_by_side_shows_relation_scores_of_each_model(tmp_path: Path) -> None:
    """kg eval --relations without --model compares the two models: its table once held only the
    header, as the relation report's rows were not read."""
    from kg.eval.run import EvalReport, side_by_side

    docs = read_relation_corpus("scierc", "test", write_jsonl(tmp_path / "d.jsonl", [SCIERC_DOC]))
    models = (("none", none_model()), ("used_for", used_for_model()))

    def table(**setting: str) -> dict[str, str]:
        reports = {name: EvalReport(evaluate_relations(docs=docs, model=m, **setting), "") for name, m in models}
        lines = side_by_side(reports).text.splitlines()
        return {"bounds" if line.startswith("micro (") else line.split()[0]: line for line in lines[2:]}

    rows = table()  # gold entities given: CRF -> tagging found, two wrong pairs (as evaluate counts)
    assert set(rows) == {"USED_FOR", "micro"}
    assert rows["micro"].split()[1:] == ["0.000", "0.000", "0.000", "0.333", "1.000", "0.500"]
    assert set(table(setting="rel+")) == {"USED_FOR", "micro", "bounds"}


def test_char_and_token_spans_agree(tmp_path: Path) -> None:
    doc, = read_scierc_relations(write_jsonl(tmp_path / "d.jsonl", [SCIERC_DOC]))
    for s, e, _ in doc.entities:
        start, end = doc.char_span((s, e))
        assert doc.text[start:end] == " ".join(doc.words[s:e])
        assert doc.token_span((start, end)) == (s, e)


def test_scier_reader_locates_strings_and_drops_synonyms(tmp_path: Path) -> None:
    rec = {"doc_id": "7", "sentence": "We train BERT ( bidirectional encoder ) on SQuAD .",
           "ner": [["BERT", "Method"], ["bidirectional encoder", "Method"], ["SQuAD", "Dataset"]],
           "rel": [["BERT", "Trained-With", "SQuAD"],
                   ["bidirectional encoder", "Synonym-Of", "BERT"]]}
    doc, = read_scier_relations(write_jsonl(tmp_path / "s.jsonl", [rec]))
    assert doc.id == "7#0" and doc.entities == [(2, 3, "Method"), (4, 6, "Method"),
                                                (8, 9, "Dataset")]
    assert doc.relations == [((2, 3), (8, 9), "TRAINED_WITH")]


def test_scoring_ignores_direction_of_symmetric_types_unless_asked() -> None:
    a, b = ((0, 1), "Method"), ((3, 4), "Method")
    gold = [{(a[0], a[1], b[0], b[1], "CONJUNCTION"), (a[0], a[1], b[0], b[1], "USED_FOR")}]
    pred = [{(b[0], b[1], a[0], a[1], "CONJUNCTION"), (b[0], b[1], a[0], a[1], "USED_FOR")}]
    loose = score_triples(gold, pred)
    assert loose["per_type"]["CONJUNCTION"]["tp"] == 1 and loose["per_type"]["USED_FOR"]["tp"] == 0
    assert loose["micro"] == {"p": 0.5, "r": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert score_triples(gold, pred, directed_symmetric=True)["micro"]["tp"] == 0


def test_typed_scoring_needs_entity_types_boundaries_scoring_does_not() -> None:
    gold = [{((0, 1), "Method", (3, 4), "Task", "USED_FOR")}]
    pred = [{((0, 1), "Dataset", (3, 4), "Task", "USED_FOR")}]
    assert score_triples(gold, pred, typed=True)["micro"]["f1"] == 0.0
    assert score_triples(gold, pred, typed=False)["micro"]["f1"] == 1.0


def none_model() -> RelationModel:
    """Predicts NONE for every pair."""
    return RelationModel(["NONE", "USED_FOR>", "USED_FOR<"], 4, np.array([], np.int64),
                         np.zeros((0, 3)), np.array([9.0, 0.0, 0.0], np.float32))


def used_for_model() -> RelationModel:
    """Predicts A USED_FOR B for every pair (where the schema allows it)."""
    return RelationModel(["NONE", "USED_FOR>", "USED_FOR<"], 4, np.array([], np.int64),
                         np.zeros((0, 3)), np.array([0.0, 9.0, 0.0], np.float32))


def test_evaluate_counts_misses_and_hits(tmp_path: Path) -> None:
    docs = read_relation_corpus("scierc", "test", write_jsonl(tmp_path / "d.jsonl", [SCIERC_DOC]))
    missed = evaluate_relations(docs=docs, model=none_model())
    assert missed["gold"] == 1 and missed["micro"]["fn"] == 1 and missed["micro"]["tp"] == 0
    hit = evaluate_relations(docs=docs, model=used_for_model())
    # Three pairs in sentence one (CRF, its expansion, tagging), all Method/Task: only
    # CRF → tagging is gold. Sentence two has one mention of ours, so no pair.
    assert hit["micro"]["tp"] == 1 and hit["micro"]["fp"] == 2
    assert "micro" in format_relation_table(hit) and "USED_FOR" in format_relation_table(hit)


def test_end_to_end_with_a_perfect_ner_equals_gold_entities(tmp_path: Path) -> None:
    docs = read_relation_corpus("scierc", "test", write_jsonl(tmp_path / "d.jsonl", [SCIERC_DOC]))
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": [{"ORTH": w} for w in docs[0].words[s:e]]}
                        for s, e, label in docs[0].entities])
    gold_ents = evaluate_relations(docs=docs, model=used_for_model(), setting="rel")
    e2e = evaluate_relations(docs=docs, model=used_for_model(), setting="rel+", nlp=nlp)
    assert e2e["micro"] == gold_ents["micro"] and e2e["boundaries"] == gold_ents["micro"]
    assert e2e["arguments_found"] == {"typed": 1, "boundaries": 1}
    assert "found: 1 of 1 (1.000) with types" in format_relation_table(e2e)
    with pytest.raises(ValueError):
        evaluate_relations(docs=docs, model=none_model(), setting="ner")


def test_arguments_found_needs_both_spans_and_tells_types_apart(tmp_path: Path) -> None:
    doc, = read_scierc_relations(write_jsonl(tmp_path / "d.jsonl", [SCIERC_DOC]))
    gold = {((2, 3), "Method", (9, 10), "Task", "USED_FOR")}
    crf, tagging = doc.char_span((2, 3)), doc.char_span((9, 10))
    assert arguments_found(doc, [(*crf, "Method"), (*tagging, "Task")], gold) == {"typed": 1, "boundaries": 1}
    assert arguments_found(doc, [(*crf, "Method"), (*tagging, "Method")], gold) == {"typed": 0, "boundaries": 1}
    assert arguments_found(doc, [(*crf, "Method")], gold) == {"typed": 0, "boundaries": 0}


@pytest.mark.shared
@pytest.mark.skipif(not HAS_SCIERC, reason="../shared/data/scierc absent (set KG_SHARED)")
@pytest.mark.skipif(not HAS_MODEL, reason="kg/models/relations not trained")
def test_trained_model_on_scierc_dev_with_gold_entities() -> None:
    result = evaluate_relations("scierc", "dev")
    assert result["gold"] == 176
    assert result["micro"]["f1"] >= 0.5  # measured 0.608; a broken feature path falls far below


@pytest.mark.shared
@pytest.mark.skipif(not HAS_SCIERC, reason="../shared/data/scierc absent (set KG_SHARED)")
@pytest.mark.skipif(not HAS_MODEL, reason="kg/models/relations not trained")
def test_task_used_for_task_is_found_as_scierc_annotates_it() -> None:
    # SciERC dev has 10 USED-FOR relations with a Task head ("parsing ... for translation");
    # before the schema let USED_FOR start at a Task, decoding could output none of them.
    model, hits = load_model(), 0
    for doc in read_relation_corpus("scierc", "dev"):
        gold = {t for t in gold_triples(doc) if t[1] == "Task" and t[4] == "USED_FOR"}
        hits += len(gold & predicted_triples(doc, doc.char_mentions(), model,
                                              CORPUS_RELATION_TYPES["scierc"]))
    assert hits >= 3  # measured 5 of 10


@pytest.mark.shared
@pytest.mark.skipif(not HAS_SCIERC, reason="../shared/data/scierc absent (set KG_SHARED)")
@pytest.mark.skipif(not HAS_MODEL, reason="kg/models/relations not trained")
def test_end_to_end_on_scierc_test_with_the_shipped_models() -> None:
    result = evaluate_relations("scierc", "test", setting="rel+")
    # measured: 0.311 with boundaries + relation type (the published systems' "Rel"), 0.280
    # with entity types too; 144 of 367 gold relations have both arguments found, typed
    assert result["boundaries"]["f1"] >= 0.30, result["boundaries"]  # the target
    assert result["micro"]["f1"] >= 0.25, result["micro"]
    assert result["arguments_found"]["typed"] >= 130


def test_relation_doc_text_is_words_joined_by_spaces() -> None:
    doc = RelationDoc("d", ["a", "bc"], [(0, 2)], [], [], "scierc")
    assert doc.text == "a bc" and doc.char_span((1, 2)) == (2, 4)
