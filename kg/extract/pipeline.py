"""The spaCy pipeline, built in one place.

Stage 1: the trained NER (kg/models/sci_ner, see its MODEL_CARD.md) when present, a sentencizer,
then the rule components (RULE_COMPONENTS), which leave candidates. Stage 2: the sentence-level
components (SENTENCE_COMPONENTS: relations and results), which read the Doc's mentions
(kg/extract/mentions.py). Every one is a registered factory that users can add to their own
pipelines; the Extractor (run.py) resolves the paper's mentions between the two stages.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import Model, NumpyOps

# Importing the modules registers their factories (they are also spacy_factories entry points).
# tagged_entities, corpus_ner and encoder_ner: the shipped NER's own components
# (kg_tagged_entities decodes the main head, kg_encoder_ner is its disabled SciERC head;
# kg_corpus_ner is the CNN kind of corpus head that scripts/train_ner.py trains).
from kg.extract import (  # noqa: F401
    abbreviations,
    corpus_ner,
    dataset_cues,
    encoder_ner,
    lexicon,
    metric_names,
    names,
    proposals,
    relation_model,
    relation_rules,
    results,
    tagged_entities,
    urls,
)
from kg.extract.packaged import resolve_model
from kg.extract.sentences import keep_abbreviations, split_period_after_size

# A new rule extractor: its module kg/extract/X.py (a factory "kg_X" declared with
# registry.rule_component, giving its priority) and its factory name here, in pipeline order;
# build_nlp imports kg.extract.X for a factory not registered yet. The order is checked by
# nlp.analyze_pipes() through the components' assigns/requires (kg_dataset_cues after kg_lexicon).
RULE_COMPONENTS: tuple[str, ...] = (
    "kg_urls",
    "kg_abbreviations",
    "kg_proposals",
    "kg_lexicon",
    "kg_dataset_cues",
    "kg_metric_names",
    "kg_names",
)
# Run on the paper's final mentions; relations before results (that is the output order too).
SENTENCE_COMPONENTS: tuple[str, ...] = ("kg_relation_rules", "kg_relation_model", "kg_results")


def build_nlp(model: str | Path | None = "default", *, rules: bool = True, corpus_heads: bool = False) -> Language:
    """The extraction pipeline. ``model``: "default" (the shipped transformer NER), "fast" (the
    shipped CNN), a path to a trained pipeline, or None / "none" (rules only).
    ``rules``: add the rule and sentence-level components (both stages); without, the NER only.

    ``corpus_heads``: also load the model's disabled corpus-convention heads (``kg_encoder_ner``,
    ``kg_corpus_ner``, for ``kg eval --dataset``); extraction never runs them, so by default
    they are not loaded.
    """
    path = resolve_model(model)
    if path is not None:
        exclude = [] if corpus_heads else _corpus_head_names(path)
        nlp = spacy.load(path, exclude=exclude)
        _numpy_blas(nlp)
    else:
        nlp = spacy.blank("en")
    split_period_after_size(nlp)
    keep_abbreviations(nlp)
    if not any(p in nlp.pipe_names for p in ("senter", "parser", "sentencizer")):
        nlp.add_pipe("sentencizer")
    if rules:
        for name in RULE_COMPONENTS + SENTENCE_COMPONENTS:
            _register(name)
            nlp.add_pipe(name)
    # Abstracts of a megabyte happen (pasted full texts); spaCy's default limit is 1,000,000
    # characters, and our components are linear, so raise it rather than fail.
    nlp.max_length = max(nlp.max_length, 20_000_000)
    return nlp


def _numpy_blas(nlp: Language) -> None:
    """Run the thinc layers' matrix products on numpy's BLAS instead of blis: the CNN's tok2vec
    took 17 % less time single-threaded here (1.06 s against 1.27 s for 800 Docs), and the fast
    model's extraction of the samples is byte-identical. Worker processes hold BLAS to one thread
    (kg/extract/pool.py)."""
    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if isinstance(model, Model):
            for node in model.walk():
                node.ops = ops


def _corpus_head_names(path: Path) -> list[str]:
    """Names of the corpus heads in the pipeline at ``path``, read from its config."""
    config = spacy.util.load_config(path / "config.cfg", interpolate=False)
    return [
        name
        for name, block in config.get("components", {}).items()
        if block.get("factory") in corpus_ner.HEAD_FACTORIES
    ]


def sentence_component_names(nlp: Language) -> list[str]:
    """The instances of ``nlp`` that belong to stage 2, by factory (a renamed one included)."""
    return [name for name in nlp.component_names if nlp.get_pipe_meta(name).factory in SENTENCE_COMPONENTS]


def _register(factory: str) -> None:
    """Import the module of a ``kg_X`` factory (kg/extract/X.py) unless it is registered."""
    if not Language.has_factory(factory) and factory.startswith("kg_"):
        importlib.import_module(f"kg.extract.{factory[3:]}")
