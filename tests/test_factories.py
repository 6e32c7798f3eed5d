"""Our components are spaCy factories found through the `spacy_factories` entry point: a user's
pipeline can add them by name without importing kg."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from conftest import ROOT


# Components with weights: a blank one cannot run (spaCy asks for initialize()).
TRAINED = {"kg_corpus_ner", "kg_encoder_ner", "kg_span_ner"}


def test_every_factory_is_an_entry_point_that_loads_by_name():
    names = list(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["spacy_factories"])
    assert {"kg_urls", "kg_abbreviations", "kg_proposals", "kg_lexicon", "kg_dataset_cues", "kg_names",
            "kg_results", "kg_relation_rules", "kg_relation_model", "kg_tagged_entities",
            "kg_corpus_ner", "kg_encoder_ner"} <= set(names)
    code = f"""
import spacy, sys
nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
for name in {names!r}:
    if name in {TRAINED!r}:  # resolvable by name, but runs only once trained
        assert spacy.blank("en").add_pipe(name).name == name
    else:
        nlp.add_pipe(name)
doc = nlp("Vision-Language Models (VLMs) such as CLIP reach 76.2% accuracy on ImageNet. Code: https://github.com/openai/CLIP.")
labels = sorted({{c["label"] for c in doc._.kg_candidates}})
print(labels, len(doc._.kg_abbreviations), len(doc._.kg_results or []))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['Dataset', 'Method', 'Metric', 'Repository'] 1 1"
