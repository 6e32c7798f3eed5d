"""The one integration path: the registered components are what the Extractor runs."""

from __future__ import annotations

import re

import pytest
import spacy

from kg.extract import pipeline
from kg.extract.candidates import add_candidate, text_of
from kg.extract.mentions import doc_mentions
from kg.extract.pipeline import RULE_COMPONENTS, SENTENCE_COMPONENTS, build_nlp
from kg.extract.registry import PRIORITY, instance_priorities, rule_component
from kg.extract.run import Extractor
from kg.model import Paper


# The documented way to add a rule extractor (README, "Design"): a module with a factory declared
# through rule_component (its priority goes with it) and its name in pipeline.RULE_COMPONENTS.
@rule_component("test_tiny_tasks", priority=0, default_config={"confidence": 0.95},
                assigns=["doc._.kg_candidates"])
def make_tiny_tasks(nlp, name: str, confidence: float):
    def tiny_tasks(doc):
        for m in re.finditer(r"\bFooNet\b", text_of(doc)):
            add_candidate(doc, m.start(), m.end(), "Task", name, confidence)
        return doc
    return tiny_tasks


PAPER = Paper(id="p1", title="FooNet: a test",
              abstract="We study FooNet, and evaluate CLIP on ImageNet, where it reaches an accuracy of 76.2%. "
                       "Code: https://github.com/foo/bar.")


def test_a_tiny_rule_extractor_needs_its_module_and_one_registration(monkeypatch) -> None:
    (before,) = Extractor(nlp=build_nlp(None)).extract([PAPER])
    (foo,) = [e for e in before.entities if e.name == "FooNet"]
    assert foo.type == "Method" and "test_tiny_tasks" not in foo.extractors

    monkeypatch.setattr(pipeline, "RULE_COMPONENTS", RULE_COMPONENTS + ("test_tiny_tasks",))
    (ex,) = Extractor(nlp=build_nlp(None)).extract([PAPER])
    (foo,) = [e for e in ex.entities if e.name == "FooNet"]
    # its priority (0) beats the proposal and coined-name rules on the same span
    assert foo.type == "Task" and "test_tiny_tasks" in foo.extractors


def test_priority_follows_the_factory_not_the_instance_name() -> None:
    nlp = build_nlp(None, rules=False)
    for name in RULE_COMPONENTS + SENTENCE_COMPONENTS:
        nlp.add_pipe(name, name="links" if name == "kg_urls" else None)
    ranks = instance_priorities(nlp)
    assert ranks["links"] == PRIORITY["kg_urls"] == 0
    assert ranks["links"] < ranks["kg_names"] < ranks["ner"]
    (ex,) = Extractor(nlp=nlp).extract([PAPER])
    (repo,) = [e for e in ex.entities if e.type == "Repository"]
    assert repo.extractors == ["links"]


def test_analyze_pipes_finds_no_problem_in_the_pipeline() -> None:
    for model in ("default", None):
        problems = build_nlp(model).analyze_pipes()["problems"]
        assert all(not p for p in problems.values()), problems


def test_analyze_pipes_catches_dataset_cues_before_any_candidates() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_dataset_cues")
    assert nlp.analyze_pipes()["problems"]["kg_dataset_cues"] == ["doc._.kg_candidates"]


def test_build_nlp_alone_gives_relations_and_results() -> None:
    nlp = build_nlp()
    doc = nlp("We evaluate CLIP on ImageNet, where it reaches an accuracy of 76.2%.")
    assert ("EVALUATED_ON", "CLIP", "ImageNet") in {
        (r["type"], doc.text[slice(*r["head"])], doc.text[slice(*r["tail"])]) for r in doc._.kg_relations}
    assert [(r["metric_name"], r["value"]) for r in doc._.kg_results] == [("accuracy", 76.2)]


def test_extractor_output_comes_from_the_components() -> None:
    """Without kg_results in the pipeline there are no results: nothing recomputes them."""
    nlp = build_nlp(None)
    (ex,) = Extractor(nlp=nlp).extract([PAPER])
    assert ex.results
    nlp.remove_pipe("kg_results")
    (ex,) = Extractor(nlp=nlp).extract([PAPER])
    assert ex.results == [] and ex.relations


def test_stage_two_reads_the_resolved_mentions(monkeypatch) -> None:
    from kg.extract import run
    seen = {}

    def spy(paper, docs, resolution):
        seen.update(docs)
        return real(paper, docs, resolution)
    real = run.assemble
    monkeypatch.setattr(run, "assemble", spy)
    (ex,) = Extractor(nlp=build_nlp(None)).extract([PAPER])
    ids = {e.id for e in ex.entities}
    for doc in seen.values():
        spans = {(m["start"], m["end"]) for m in doc._.kg_mentions}
        assert {m["id"] for m in doc._.kg_mentions} <= ids
        assert all(tuple(r["head"]) in spans and tuple(r["tail"]) in spans for r in doc._.kg_relations or [])
    assert seen["abstract"]._.kg_relations and seen["abstract"]._.kg_results


def test_fallback_mentions_prefer_a_rule_over_the_ner_on_one_span() -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc("We use ImageNet data.")
    doc.ents = [doc.char_span(7, 15, "Method")]
    add_candidate(doc, 7, 15, "Dataset", "kg_lexicon", 0.9)
    assert doc_mentions(doc) == [(7, 15, "Dataset")]
    add_candidate(doc, 7, 20, "Task", "kg_names", 0.5)  # longer: wins the overlap
    assert doc_mentions(doc) == [(7, 20, "Task")]


def test_final_mentions_are_what_the_sentence_components_read() -> None:
    ex = Extractor(nlp=build_nlp(None))
    with ex.nlp.select_pipes(disable=list(SENTENCE_COMPONENTS)):
        doc = ex.nlp("We evaluate CLIP on ImageNet.")
    doc._.kg_mentions = [{"start": 12, "end": 16, "label": "Method", "id": "Method:clip"}]
    assert doc_mentions(doc) == [(12, 16, "Method")]
    assert ex.nlp.get_pipe("kg_relation_rules")(doc)._.kg_relations == []  # one mention: no pair


def test_title_prefix_is_found_by_kg_proposals_on_a_title_doc() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_proposals")
    title = nlp.make_doc("Aligner: a study of X")
    title._.kg_field = "title"
    found = nlp(title)._.kg_candidates
    assert [(c["start"], c["end"], c.get("confirm_in")) for c in found] == [(0, 7, "abstract")]
    assert nlp("Aligner: a study of X")._.kg_candidates is None  # not a title

    ex = Extractor(nlp=build_nlp(None))
    for abstract, proposed in (("We study it.", False), ("Aligner improves X.", True)):
        (out,) = ex.extract([Paper(id="t", title="Aligner: a study of X", abstract=abstract)])
        assert any(e.name == "Aligner" and e.proposed for e in out.entities) is proposed


def test_build_nlp_imports_the_module_of_a_listed_factory(monkeypatch) -> None:
    monkeypatch.setattr(spacy.Language, "has_factory", classmethod(lambda cls, name: name != "kg_urls"))
    imported = []
    monkeypatch.setattr(pipeline.importlib, "import_module", imported.append)
    pipeline._register("kg_urls")
    pipeline._register("kg_names")  # registered: nothing to import
    assert imported == ["kg.extract.urls"]


def test_the_ner_component_states_how_its_spans_are_judged():
    """A lowercase Method seen once: the CNN's judging drops it (generic phrases), a NER whose
    component says it needs no repeat keeps it; the Extractor reads the policy from the pipeline."""
    import spacy

    from kg.extract.judge import NER, NerConfidences, judge_ner, ner_confidences

    assert judge_ner("contrastive learning", "Method").needs_repeat
    trusting = NerConfidences(lowercase_method=0.6, lowercase_method_needs_repeat=False)
    kept = judge_ner("contrastive learning", "Method", conf=trusting)
    assert not kept.needs_repeat and kept.confidence >= 0.5
    nlp = spacy.blank("en")
    assert ner_confidences(nlp) is NER
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_span_ner", config={"confidences": {"lowercase_method": 0.6,
                                                        "lowercase_method_needs_repeat": False}})
    assert ner_confidences(nlp) == trusting


def test_rule_confidences_are_configuration():
    """kg_proposals' and kg_dataset_cues' confidences live in their default_config: a pipeline
    built with other values gives its candidates those values."""
    import spacy

    text = "We propose Janus, evaluated on the GLUE benchmark."
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_proposals", config={"confidences": {"propose": 0.66}})
    nlp.add_pipe("kg_lexicon")
    nlp.add_pipe("kg_dataset_cues", config={"confidences": {"before_cue": 0.77}})
    found = {(c["label"], c["extractor"]): c["confidence"] for c in nlp(text)._.kg_candidates}
    assert found[("Method", "kg_proposals")] == 0.66
    assert found[("Dataset", "kg_dataset_cues")] == 0.77
    defaults = spacy.blank("en").add_pipe("kg_proposals")
    assert defaults is not None  # the defaults still build


def test_the_transformers_probability_decides_doubtful_tasks_and_sure_lowercase_methods():
    """Typing policy (MODEL_CARD.md): the shipped default states two thresholds on its own span
    probability; a NER that states no probability (the CNN) is judged as before."""
    from kg.extract.judge import NER, judge_ner, ner_confidences
    from kg.extract.pipeline import build_nlp

    conf = ner_confidences(build_nlp("default"))
    assert (conf.doubtful_task, conf.sure_lowercase_method) == (0.8, 0.85)
    # a doubtful Task is a fragment, unless a task's head noun names it
    assert judge_ner("modality entanglement", "Task", conf=conf, score=0.6).confidence < 0.5
    assert judge_ner("modality entanglement", "Task", conf=conf, score=0.9).confidence >= 0.5
    assert judge_ner("test-time adaptation", "Task", conf=conf, score=0.6).confidence >= 0.5
    assert judge_ner("generation", "Task", conf=conf, score=0.6).confidence < 0.5
    # a lowercase Method the transformer is sure of needs no second sighting
    assert not judge_ner("nucleus sampling", "Method", conf=conf, score=0.9).needs_repeat
    assert judge_ner("nucleus sampling", "Method", conf=conf, score=0.7).needs_repeat
    # no probability stated: the CNN's judging, whatever the thresholds
    assert judge_ner("modality entanglement", "Task", conf=conf).confidence >= 0.5
    assert judge_ner("nucleus sampling", "Method", conf=NER, score=0.99).needs_repeat


def test_the_span_ner_states_each_entitys_probability():
    from kg.extract.pipeline import build_nlp

    nlp = build_nlp("default")
    doc = nlp("We evaluate DDT-XL/2 on ImageNet with FID and improve image generation.")
    scores = doc._.kg_ner_scores
    assert doc.ents and set(scores) == {(e.start_char, e.end_char) for e in doc.ents}
    assert all(0.5 < p <= 1.0 for p in scores.values())
    assert build_nlp("fast")("We evaluate on ImageNet.")._.kg_ner_scores is None


@pytest.fixture(scope="module", params=["none", "fast", "default"])
def each_nlp(request):
    """Every pipeline build_nlp makes, built once for the sentence tests."""
    from kg.extract.pipeline import build_nlp

    return build_nlp(None if request.param == "none" else request.param)


def test_a_sentence_ending_in_a_model_size_ends_there(each_nlp) -> None:
    # samples (M-VAR): spaCy kept "2B." one token, so the sentencizer joined the next sentence on,
    # and the evidence of "M-VAR-d32 … 1.78 FID" began in the sentence before
    text = (
        "Our M-VAR-d24 model, with fewer parameters and faster inference speed, outperforms the largest "
        "VAR-d30-2B. Moreover, our largest model M-VAR-d32 impressively registers 1.78 FID on ImageNet-1K. "
        "We also report results on the U.S. census data."
    )
    doc = each_nlp(text)
    assert [s.text.split()[0] for s in doc.sents] == ["Our", "Moreover,", "We"]
    assert [t.text for t in doc if t.i > 0 and doc[t.i - 1].text == "-" and t.text.startswith("2")] == ["2B"]


def test_an_abbreviation_ends_no_sentence(each_nlp) -> None:
    # dev7 (NV-Embed): "ranking No. 1 on the Massive Text Embedding Benchmark" was cut after "No.",
    # parting the score from its benchmark; "et al." and "avg." did the same (samples)
    text = (
        "Our NV-Embed model has achieved a record-high score of 69.32, ranking No. 1 on the Massive Text "
        "Embedding Benchmark (MTEB). As Lee et al., 2023 and Wang et al. (2024) found, it improves "
        "(avg. from 49.2 to 50.1) w.r.t. recall. Latency is 32 ms. Memory is 2 GB."
    )
    doc = each_nlp(text)
    assert [s.text.split()[0] for s in doc.sents] == ["Our", "As", "Latency", "Memory"]
