"""kg_dataset_cues on real sentences from examples/hf-papers."""

from __future__ import annotations

import pytest
import spacy

import kg.extract.dataset_cues  # noqa: F401  (registers the factory)
import kg.extract.lexicon  # noqa: F401
from kg.extract.candidates import candidates
from kg.extract.dataset_cues import find_dataset_mentions


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_lexicon")
    nlp.add_pipe("kg_dataset_cues")
    return nlp


def names(nlp, text: str) -> list[str]:
    doc = nlp(text)
    return [text[c["start"]:c["end"]] for c in candidates(doc) if c["extractor"] == "kg_dataset_cues"]


@pytest.mark.parametrize("text, expected", [
    ("Our method achieved consistent state-of-the-art performance on the FashionAI, DARN, "
     "DeepFashion, and Zappos50K benchmark datasets.", ["FashionAI", "DARN", "DeepFashion", "Zappos50K"]),
    ("We also introduce a more challenging benchmark, Split ImageNet-R, to help generalize "
     "rehearsal-free continual learning.", ["Split ImageNet-R"]),
    ("Our method achieves state-of-the-art image generation results on the GenEval, MJHQ30K and "
     "WISE benchmarks while matching the performance.", ["GenEval", "MJHQ30K", "WISE"]),
    ("We start by introducing a dataset called 3DIEBench, consisting of renderings.", ["3DIEBench"]),
    ("Experiments on downstream action recognition benchmarks on UCF101 and HMDB51 show that our "
     "proposed method works.", ["UCF101", "HMDB51"]),
    ("It shows a higher controllability by ~33.5% in the NYUD-v2 dataset over prior methods.", ["NYUD-v2"]),
    ("To support this research, we developed FolkDB, a high-quality Chinese traditional music "
     "dataset encompassing various styles.", ["FolkDB"]),
    ("Sparsify representations of large-scale real-world vision datasets such as ImageNet, and "
     "achieve performance.", ["ImageNet"]),
    # a value reported "on" a name makes it what the value was measured on, whatever the NER says
    # (it typed S4 and MS3 as Methods); names with results in parentheses still take the cue after
    ("Comprehensive experiments and ablation studies on AVSBench-object (84.7 mIoU on S4, 59.2 "
     "mIou on MS3) and AVSBench-semantic (42.1 mIoU on AVSS) datasets demonstrate that COMBO "
     "surpasses previous state-of-the-art methods.",
     ["AVSBench-object", "S4", "MS3", "AVSBench-semantic", "AVSS"]),
    ("Empirically, on Spiking Transformers, adopting Avg-Pooling (low-pass) for token mixing lowers "
     "performance to 76.73% on Cifar-100, whereas replacing it with Max-Pool (high-pass) pushes the "
     "top-1 accuracy to 79.12%.", ["Cifar-100"]),
    # dev2: an apposition whose commas join adjectives, learning on a corpus, RL environments
    ("For benchmarking, we introduce Inter4K, a novel high-quality, high frame-rate video dataset.",
     ["Inter4K"]),
    ("By integrating human-derived triplet embeddings to initialize a CLIP vision encoder, followed "
     "by self-supervised learning on YFCC15M, our approach improves zero-shot performance.", ["YFCC15M"]),
    ("The method learns useful representation on DM-Lab-30 environments and is effective at hard "
     "exploration tasks in DM-Hard-8 environments.", ["DM-Lab-30", "DM-Hard-8"]),
    # dev4: a list after a dash or a colon, and a name counted with more of its kind
    ("Using LV-MAE representations, we achieve state-of-the-art results on three long-video "
     "benchmarks -- LVU, COIN, and Breakfast -- employing only a simple classification head.",
     ["LVU", "COIN", "Breakfast"]),
    ("We evaluate on three benchmarks: LVU, COIN, and Breakfast.", ["LVU", "COIN", "Breakfast"]),
    ("Extensive experiments on Tencent and five commonly used public datasets demonstrate that "
     "DyTed achieves state-of-the-art performance on various downstream tasks.", ["Tencent"]),
    # dev5: two names joined by a slash are two datasets; a version range stays one name
    ("The model remains competitive in zero-shot retrieval and classification tasks on the "
     "AudioCap/Clotho datasets.", ["AudioCap", "Clotho"]),
    ("We report results on the CIFAR-10/100 datasets.", ["CIFAR-10/100"]),
    # dev7 (DISCO): "LMMs" alone is a kind of model, "LMMs-Eval" a benchmark's name
    ("Benchmarks such as LMMs-Eval and HELM demand thousands of GPU hours per model.", ["LMMs-Eval", "HELM"]),
])
def test_named_datasets(nlp, text, expected):
    assert names(nlp, text) == expected


@pytest.mark.parametrize("text", [
    "Extensive experiments across 15 datasets demonstrate that MMRL outperforms state-of-the-art methods.",
    "However, current models fall significantly short on XMC benchmarks.",
    "We collect a large dataset and evaluate on the dataset for calibration.",
    "Experimental results on multiple benchmarks demonstrate the effectiveness of our method.",
    "We evaluate MLLMs across a spectrum of VQA benchmarks.",
    "On the ShareGPT dataset, LLaMA-2-7B with 4-bit MiniCache achieves a compression ratio.",
    "Intervention experiments on Mistral 7B and Llama 3 8B confirm the circuit.",
    "Existing methods are not appropriate for training DE models on XMC tasks.",
    # hardware and values after a value are not datasets
    "Our kernel runs 3.2x faster on H100 and 2x faster on A100 GPUs.",
    # a speed-up is measured on a model, and a list with a known model in it is a list of models
    "For instance, 2.36times and 1.93times acceleration are achieved on OpenSora and PixArt-alpha.",
    "Extensive experiments on PixArt-alpha, OpenSora, and DiT demonstrate our effectiveness.",
    # a codebase listed with a benchmark is not called one
    "In this paper, we introduce OpenMixup, the first mixup augmentation codebase, and benchmark for "
    "visual representation learning.",
    # a colon after a cue opens a list of names only: "benchmarks: we" opens none
    "We release two benchmarks: we hope they help.",
])
def test_not_dataset_names(nlp, text):
    found = names(nlp, text)
    assert found in ([], ["ShareGPT"])  # ShareGPT is the only dataset in these sentences
    if "ShareGPT" in text:
        assert found == ["ShareGPT"]


def test_title_case_titles_do_not_make_names():
    doc = spacy.blank("en")("A New Benchmark for Long Video Understanding")
    assert find_dataset_mentions(doc) == []


def test_offsets_and_confidence(nlp):
    text = "Experiments on the GLUE benchmark show that MaxPoNet works."
    doc = nlp.make_doc(text)
    [(start, end, confidence)] = find_dataset_mentions(doc)
    assert text[start:end] == "GLUE" and 0.5 < confidence <= 1.0


def test_parenthesised_list_after_the_cue(nlp):
    text = ("We investigate this question across 34 models and five standard pretraining datasets "
            "(CC-3M, CC-12M, YFCC-15M, LAION-400M, LAION-Aesthetics), generating over 300GB of data artifacts.")
    assert names(nlp, text) == ["CC-3M", "CC-12M", "YFCC-15M", "LAION-400M", "LAION-Aesthetics"]


def test_a_metric_after_a_value_is_not_a_dataset(nlp):
    text = "Overall, SPLADE is considerably improved with more than 9\\% gains on NDCG@10 on TREC DL 2019."
    assert "NDCG@10" not in names(nlp, text)


@pytest.mark.parametrize("text, expected", [
    # names the lexicons do not know, which the NER called Methods
    ("We empirically demonstrate that SELMA significantly improves the semantic alignment of T2I "
     "diffusion models on multiple benchmarks (+2.1% on TIFA and +6.9% on DSG), human preference "
     "metrics (PickScore, ImageReward, and HPS), as well as human evaluation.",
     ["PickScore", "ImageReward", "HPS"]),
    ("For reliable evaluation, we also propose InfoMEC, a new set of metrics for disentanglement that "
     "is cohesively grounded in information theory.", ["InfoMEC"]),
    ("Metric3D predicts metric depth from a single image.", []),
    ("We compare it with the metric learning approach of SimCLR.", []),
])
def test_metric_names_cued_by_metrics(nlp, text, expected):
    doc = nlp(text)
    assert [text[c["start"]:c["end"]] for c in candidates(doc)
            if c["extractor"] == "kg_dataset_cues" and c["label"] == "Metric"] == expected


@pytest.mark.parametrize("text, dataset", [
    # samples (PoNet, PLLaVA): the model after the comma was typed a (proposed!) Dataset
    ("On the Long Range Arena benchmark, PoNet significantly outperforms Transformer and achieves "
     "competitive accuracy.", "Long Range Arena"),
    ("Notably, on the recent popular Video ChatGPT benchmark, PLLaVA achieves a score of 3.48.", None),
    ("On a challenging new benchmark, XYZ outperforms GPT-4 by 5 points.", None),
])
def test_the_subject_after_an_opening_benchmark_phrase_is_no_dataset(nlp, text, dataset):
    found = names(nlp, text)
    assert not any(n in ("PoNet", "PLLaVA", "XYZ") for n in found), found
    if dataset:
        assert dataset in found


def test_a_resolution_after_a_dataset_name_belongs_to_it(nlp):
    assert names(nlp, "On the ImageNet 256×256 benchmark, XYZ achieves an FID of 1.38.") == ["ImageNet 256×256"]


@pytest.mark.parametrize("text, expected", [
    # dev6 gold: the directions a translation model is scored on are its datasets
    ("We report BLEU scores of 17.79 and 28.33 on the Turkish-English and Portuguese-English "
     "translation tasks with our model, respectively.", ["Turkish-English", "Portuguese-English"]),
    ("We trained our model with Turkish-English and Portuguese-English datasets from TED talk "
     "transcripts for machine translation.", ["Turkish-English", "Portuguese-English"]),
    ("It improves BLEU by 1.2 on En-De and by 0.8 on EN-FR.", ["En-De", "EN-FR"]),
    ("We evaluate on WMT14 English-German and English-to-French.", ["English-German", "English-to-French"]),
    # no cue: languages a model speaks, not data; lowercase codes are words ("de", "it")
    ("We release a Chinese-English bilingual model.", []),
    ("The prefix en-de marks the direction on the sentence.", []),
])
def test_translation_directions_are_datasets(nlp, text, expected):
    assert sorted({n for n in names(nlp, text) if "-" in n}) == sorted(expected)


def test_a_translation_direction_is_no_coined_name_and_belongs_to_its_benchmark() -> None:
    from kg.extract.names import find_names
    from kg.extract.spans import dataset_end

    text = "We release a Chinese-English bilingual model and Mind-Vis."
    assert [text[s:e] for s, e, _ in find_names(text)] == ["Mind-Vis"]
    for text, name in (("WMT14 English-German", "WMT14"), ("WMT 2014 English-to-German", "WMT"),
                       ("IWSLT'14 De-En", "IWSLT'14"), ("WMT14 and English-German", "WMT14")):
        assert text[: dataset_end(text, len(name))] == (name if " and " in text else text)


def test_a_cue_word_opening_a_sentence_cues_its_list(nlp):
    # dev7 (DISCO): a capitalised cue counted only at the Doc's start, not at a sentence's
    text = ("Evaluating modern machine learning models has become prohibitively expensive. Benchmarks "
            "such as LMMs-Eval and HELM demand thousands of GPU hours per model.")
    assert names(nlp, text) == ["LMMs-Eval", "HELM"]
    # mid-sentence, a capitalised cue word is part of a name, not a cue
    assert names(nlp, "We study Dataset Distillation for NeRF models.") == []


@pytest.mark.parametrize("text, expected", [
    # dev7 (Robustifying Token Attention): a gain measured on each name, no evaluation verb
    ("Also, when finetuning on semantic segmentation tasks, we improve robustness on CityScapes-C "
     "by 2.4% and ACDC by 3.1%.", ["CityScapes-C", "ACDC"]),
    ("It lifts mIoU on ADE20K by 1.2 points.", ["ADE20K"]),
    # a gain "on" a baseline is a gain over it
    ("UL2 improves on FLAN-T5 by 2 points.", []),
    # no value after "by"
    ("We build on GPT-NeoX by Black et al.", []),
])
def test_a_gain_on_a_name_by_a_value_makes_it_a_dataset(nlp, text, expected):
    assert names(nlp, text) == expected


def test_a_quoted_name_after_a_cue_word(nlp):
    # dev5 (UniPT): the quotes hid the dataset's name from the cue
    text = ('We first build a large-scale text-labeled person dataset "LUPerson-T", in which '
            'pseudo-textual descriptions of images are automatically generated.')
    assert names(nlp, text) == ["LUPerson-T"]
    assert names(nlp, 'We build a dataset "of sorts" for this.') == []
