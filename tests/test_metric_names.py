"""kg_metric_names on real sentences from examples/hf-papers: a metric named without a number is
still a Metric (the gold guidelines), a bare generic measure or a constraint is not."""

from __future__ import annotations

import pytest

from kg.extract.metric_names import find_metric_mentions


@pytest.mark.parametrize("text, expected", [
    ("Dual-encoder models have a faster inference speed than fusion-encoder models and enable the "
     "pre-computation of images and text during inference.", ["inference speed"]),
    ("Extensive experiments demonstrate that our method outperforms existing models in both image "
     "quality and generation speed.", ["image quality", "generation speed"]),
    # dev3 (KV cache compression): an efficiency outcome named as one
    ("Our method reduces the memory footprint of the KV cache while preserving generation quality.",
     ["memory footprint"]),
    # dev4, dev2 (KV cache, Skill-it, LDDM): the measure's own qualifiers belong to its name
    ("the key and value (KV) cache can quickly become the main contributor to GPU memory usage and "
     "the bottleneck of inference latency.", ["GPU memory usage", "inference latency"]),
    ("Skill-It improves validation loss on the target skill by 13.6%.", ["validation loss"]),
    ("LDDMs achieve substantial gains, reducing generative perplexity by up to 61%.",
     ["generative perplexity"]),
    # dev5: "speed up" alone is a verb, no outcome (with a factor it is the results rule's)
    ("We use caching to speed up training.", []),
    ("PPT effectively reduces the model complexity while maintaining its top-1 accuracy and the "
     "FLOPs budget stays fixed.", ["top-1 accuracy"]),  # a budget is a constraint
    # a bare generic measure needs a value (the results rule's), a constraint is no outcome
    ("Our kernel improves speed on long inputs.", []),
    ("Deployment must meet strict latency budgets on phones.", []),
])
def test_metrics_named_without_a_value(text, expected):
    assert [text[s:e] for s, e in find_metric_mentions(text)] == expected


def test_the_component_adds_metric_candidates():
    import spacy

    import kg.extract.metric_names  # noqa: F401
    from kg.extract.candidates import candidates
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_metric_names")
    doc = nlp("Dual-encoder models have a faster inference speed than fusion-encoder models.")
    assert [(c["label"], doc.text[c["start"]:c["end"]]) for c in candidates(doc)] == [("Metric", "inference speed")]


@pytest.mark.parametrize("text", [
    "We propose Mixed Precision Quantization for vision transformers.",  # a method's name
    "MAE pre-training learns strong visual features.",  # masked autoencoder or mean absolute error
    # dev3 (SPEED): a metric word in capitals is an acronym's name
    "SPEED: Scalable, Precise, and Efficient Concept Erasure for Text-to-Image Diffusion Models",
])
def test_metric_words_inside_names_and_ambiguous_acronyms_are_left_alone(text):
    assert find_metric_mentions(text) == []
