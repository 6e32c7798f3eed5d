"""The first extractor set on real sample sentences: URLs, acronym definitions, proposals."""

from __future__ import annotations

import re

from kg.extract.abbreviations import find_abbreviations
from kg.extract.proposals import find_proposals
from kg.extract.urls import find_urls
from kg.resolve.keys import canonical_key


def test_urls_trailing_punctuation_and_glued():
    text = ("The source code is available at https://github.com/ShremG/Met2Net. See "
            "https://github.com/AngusDujw/Diversity-Driven-Synthesis.https://github.com/AngusDujw/Diversity-Driven-Synthesis."
            " and github.com/ZhiyinShao-H/UniPT. (https://mgwillia.github.io/diffssl/)")
    found = find_urls(text)
    assert [(u.type, u.key) for u in found] == [
        ("Repository", "github.com/shremg/met2net"),
        ("Repository", "github.com/angusdujw/diversity-driven-synthesis"),
        ("Repository", "github.com/angusdujw/diversity-driven-synthesis"),
        ("Repository", "github.com/zhiyinshao-h/unipt"),
        ("Website", "mgwillia.github.io/diffssl"),
    ]
    for u in found:
        assert text[u.start:u.end].rstrip("/") .endswith(u.url.rstrip("/").split("//")[-1].split("/", 1)[-1])
        assert not text[u.start:u.end].endswith((".", ")"))


def test_repository_hosts_normalized():
    keys = {u.key: u.name for u in find_urls(
        "https://www.github.com/LeapLabTHU/Dynamic_Perceiver. https://huggingface.co/nvidia/NV-Embed-v1 "
        "https://github.com/tensorflow/models/tree/master/research/deeplab https://gitlab.com/a/b.git")}
    assert keys == {"github.com/leaplabthu/dynamic_perceiver": "LeapLabTHU/Dynamic_Perceiver",
                    "huggingface.co/nvidia/nv-embed-v1": "nvidia/NV-Embed-v1",
                    "github.com/tensorflow/models": "tensorflow/models",
                    "gitlab.com/a/b": "a/b"}


def test_scheme_typo_still_a_repository():
    (u,) = find_urls("The LUPerson-T dataset and code are available at https;//github.com/ZhiyinShao-H/UniPT.")
    assert (u.key, u.url) == ("github.com/zhiyinshao-h/unipt", "https://github.com/ZhiyinShao-H/UniPT")


def test_latex_href_residue_is_cut():
    (a, b) = find_urls("at https://dair-iitd.github.io/GraPE/{https://dair-iitd.github.io/GraPE/}")
    assert a.key == b.key == "dair-iitd.github.io/GraPE"


def test_acronym_definitions():
    text = ("Large-scale pre-trained Vision-Language Models (VLMs) have become essential. "
            "we propose a novel Multi-Modal Representation Learning (MMRL) framework. "
            "complex computer vision tasks such as re-identification(reID).")
    got = [(a.long, a.short) for a in find_abbreviations(text)]
    assert ("Vision-Language Models", "VLMs") in got
    assert ("Multi-Modal Representation Learning", "MMRL") in got
    for a in find_abbreviations(text):
        assert text[a.short_start:a.short_end] == a.short and text[a.long_start:a.long_end] == a.long


def test_a_title_opening_on_its_short_form_defines_it():
    # dev7 (CRCE, CODA-Prompt, UPCORE): the expansion after the colon was a second Method
    def pairs(title):
        return [(a.short, a.long) for a in find_abbreviations(title)]

    assert pairs("CRCE: Coreference-Retention Concept Erasure in Text-to-Image Diffusion Models") == [
        ("CRCE", "Coreference-Retention Concept Erasure")]
    assert pairs("CODA-Prompt: COntinual Decomposed Attention-based Prompting for Rehearsal-Free Continual "
                 "Learning") == [("CODA-Prompt", "COntinual Decomposed Attention-based Prompting")]
    # the fewest words that spell it, not a clause after them
    assert pairs("LiST: Lite Prompted Self-training Makes Parameter-Efficient Few-shot Learners") == [
        ("LiST", "Lite Prompted Self-training")]
    assert pairs("UPop: Unified and Progressive Pruning for Compressing Vision-Language Transformers") == [
        ("UPop", "Unified and Progressive Pruning")]
    # words that do not spell it define nothing
    assert pairs("MIO: A Foundation Model on Multimodal Tokens") == []
    assert pairs("VEDIT: Latent Prediction Architecture For Procedural Video Representation Learning") == []


def test_acronym_needs_initials():
    # Schwartz–Hearst alone would take "graph signal processing" for GCN
    text = "connections to graph signal processing (GCN) are drawn"
    assert find_abbreviations(text) == []


def test_proposals_from_text_and_title():
    abstract = ("In this paper, we introduce Janus, an autoregressive framework that unifies multimodal "
                "understanding and generation. To this end, we propose an adaptive and exponentially "
                "weighted pooling method: adaPool. We also propose a novel method to do things.")
    names = [abstract[p.start:p.end] for p in find_proposals(abstract)]
    assert names == ["Janus", "adaPool"]
    (t,) = find_proposals("MMRL: Multi-Modal Representation Learning for Vision-Language Models", title=True)
    assert (t.start, t.end, t.type) == (0, 4, "Method")
    (d,) = find_proposals("MMLU-Pro: A More Robust and Challenging Multi-Task Language Understanding Benchmark",
                          title=True)
    assert d.type == "Dataset"
    assert find_proposals("How Useful is Continued Pre-Training for Generative Unsupervised Domain Adaptation?",
                          title=True) == []


def test_canonical_keys_fold_variants_but_keep_versions():
    same = [("Vision-Language Models", "vision language model"), ("LLMs", "LLM"), ("ImageNet-1K", "imagenet1k"),
            ("Met$^2$Net", "Met2Net"), ("F1-score", "F1 score"), ("z\u200bero-shot", "zero shot"),
            ("GANs", "GAN"), ("Café", "cafe")]
    for a, b in same:
        assert canonical_key(a) == canonical_key(b), (a, b)
    assert canonical_key("ResNet-50") != canonical_key("ResNet-101")
    assert canonical_key("SDXS") == "sdxs"  # an all-caps acronym ending in S is not a plural
    assert canonical_key("loss") == "loss" and canonical_key("analysis") == "analysis"
    assert re.fullmatch(r"[a-z0-9-]+", canonical_key("Large Language Models (LLMs)"))


def test_one_propose_statement_for_names_and_objects():
    from kg.extract.grouping import _PROPOSE_VERB
    from kg.extract.proposals import PROPOSE_VERB
    assert _PROPOSE_VERB.pattern == PROPOSE_VERB
    text = "Here, we release FooNet, a model. We build on Transformer blocks."
    assert [text[p.start:p.end] for p in find_proposals(text)] == ["FooNet"]
    assert _PROPOSE_VERB.search("Here, we newly propose a method")
    assert not _PROPOSE_VERB.search("We build on Transformer blocks.")


def test_an_acronym_may_take_the_first_letters_of_a_word():
    # dev7 (DISCO): "DIversifying Sample COndensation" missed two initials, so the name and its
    # short form were two Methods
    text = "Our method, Diversifying Sample Condensation (DISCO), selects the top-k samples."
    assert [(a.short, a.long) for a in find_abbreviations(text)] == [("DISCO", "Diversifying Sample Condensation")]
    assert [(a.short, a.long) for a in find_abbreviations("We use Momentum Contrast (MoCo).")] == [
        ("MoCo", "Momentum Contrast")]


def test_a_name_after_a_method_noun_and_comma_is_whole_and_no_enumeration():
    # dev7: "Our method, Diversifying Sample Condensation" had given the Method "Diversifying", and
    # "two general techniques: First, our …" the Method "First"
    text = "Our method, Diversifying Sample Condensation (DISCO), selects the top-k samples."
    assert [text[p.start:p.end] for p in find_proposals(text)] == ["Diversifying Sample Condensation"]
    text = ("We make attention more stable through two general techniques: First, our Token-aware Average "
            "Pooling (TAP) module encourages the local neighborhood of each token to take part.")
    assert [text[p.start:p.end] for p in find_proposals(text)] == []
    # a common word is the first of a name's words ("Dual"), and a joining word is part of the
    # name a short form follows (samples)
    text = "We propose a novel Transformer model, Dual Aggregation Transformer (DAT), for image SR."
    assert [text[p.start:p.end] for p in find_proposals(text)] == ["Dual Aggregation Transformer"]
    text = "We address this issue with our proposed method, Prompt Pooling with Teacher Forcing (PP-TF), that helps."
    assert [text[p.start:p.end] for p in find_proposals(text)] == ["Prompt Pooling with Teacher Forcing"]
    text = "We evaluate on a new benchmark: ImageNet-Sketch, with 50K images."
    assert [text[p.start:p.end] for p in find_proposals(text)] == ["ImageNet-Sketch"]
