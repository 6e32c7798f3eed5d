from __future__ import annotations

from kg.graph.build import build_graph
from kg.model import Entity, Extraction, Paper
from kg.resolve.variants import family_name


def _ex(pid: str, *ents: tuple[str, str, list[str]]) -> Extraction:
    from kg.resolve.keys import canonical_key
    return Extraction(paper=Paper(id=pid, title=pid), entities=[
        Entity(id=f"Method:{canonical_key(n)}", type="Method", name=n, key=canonical_key(n), aliases=a, confidence=0.9)
        for _, n, a in ents])


def test_bare_acronym_joins_its_only_expansion():
    g = build_graph([_ex("p1", ("Method", "Continued Pre-Training", ["CPT"])), _ex("p2", ("Method", "CPT", []))])
    assert "Method:cpt" not in g
    assert g.nodes["Method:continued-pre-training"]["papers"] == ["p1", "p2"]


def test_ambiguous_acronym_stays_apart():
    g = build_graph([_ex("p1", ("Method", "Continued Pre-Training", ["CPT"])),
                     _ex("p2", ("Method", "Contrastive Pre-Training", ["CPT"])),
                     _ex("p3", ("Method", "CPT", []))])
    assert {"Method:cpt", "Method:continued-pre-training", "Method:contrastive-pre-training"} <= set(g)


def test_spelling_variants_of_an_expansion_merge():
    g = build_graph([_ex("p1", ("Method", "Large Language Models", ["LLMs"])),
                     _ex("p2", ("Method", "Large-scale Language Models", ["LLMs"])),
                     _ex("p3", ("Method", "LLM", []))])
    methods = [n for n, d in g.nodes(data=True) if d["type"] == "Method"]
    assert methods == ["Method:large-language-model"]
    assert g.nodes[methods[0]]["papers"] == ["p1", "p2", "p3"]


def test_family_names():
    assert family_name("ResNet-50") == "ResNet"
    assert family_name("ImageNet-1K") == "ImageNet"
    assert family_name("Llama 2 Chat") == "Llama"
    assert family_name("CLIP") is None and family_name("GPT") is None
    # resolutions and splits are variants too (samples: "ImageNet 256times256", LaTeX's \times
    # lost in the dump, was a leaderboard family of its own)
    assert family_name("ImageNet 256times256") == family_name("ImageNet 256×256") == "ImageNet"
    assert family_name("COCO test-dev") == family_name("COCO 2017") == "COCO"


def test_a_trailing_plus_names_another_thing():
    # samples: "Transformer++" was an alias of the Method "transformer" in the rendered graph
    from kg.resolve.keys import canonical_key

    assert canonical_key("Transformer++") != canonical_key("Transformer")
    assert canonical_key("UNet++") == canonical_key("unet++") != canonical_key("UNet")
    assert canonical_key("Vicuna+RAG") == canonical_key("Vicuna RAG")  # a "+" between words joins
