"""Rule-based entity–entity relations on real sentences from examples/hf-papers."""

from __future__ import annotations

from typing import Any

import spacy

from conftest import spans
from kg.extract.relation_rules import find_relations
from kg.schema import ENTITY_RELATIONS


def readable(text: str, rels: list[dict[str, Any]]) -> set[tuple[str, str, str, str]]:
    return {(r["type"], text[slice(*r["head"])], text[slice(*r["tail"])], r["extractor"])
            for r in rels}


def test_outperforms_with_a_participle_between_subject_and_verb() -> None:
    text = ("For example, we show that ComPEFT applied to LLaMA outperforms QLoRA by 4.16% on MMLU "
            "with a storage size reduction of up to 26x.")
    ms = spans(text, ("ComPEFT", "Method"), ("LLaMA", "Method"), ("QLoRA", "Method"),
               ("MMLU", "Dataset"))
    assert readable(text, find_relations(text, ms)) == {
        ("OUTPERFORMS", "ComPEFT", "QLoRA", "rule:outperforms"),
        ("EVALUATED_ON", "ComPEFT", "MMLU", "rule:x_achieves_on")}


def test_outperforms_and_evaluated_on_a_list_of_datasets() -> None:
    text = ("Specifically, our MixedAE outperforms MAE by +0.3% accuracy, +1.7 mIoU and +0.9 AP on "
            "ImageNet-1K, ADE20K and COCO respectively with a standard ViT-Base.")
    ms = spans(text, ("MixedAE", "Method"), ("MAE", "Method"), ("ImageNet-1K", "Dataset"),
               ("ADE20K", "Dataset"), ("COCO", "Dataset"), ("ViT-Base", "Method"))
    assert readable(text, find_relations(text, ms)) == {
        ("OUTPERFORMS", "MixedAE", "MAE", "rule:outperforms"),
        ("EVALUATED_ON", "MixedAE", "ImageNet-1K", "rule:x_achieves_on"),
        ("EVALUATED_ON", "MixedAE", "ADE20K", "rule:x_achieves_on"),
        ("EVALUATED_ON", "MixedAE", "COCO", "rule:x_achieves_on"),
        ("CONJUNCTION", "ImageNet-1K", "ADE20K", "rule:conjunction"),
        ("CONJUNCTION", "ADE20K", "COCO", "rule:conjunction")}


def test_participle_surpassing_takes_the_main_clause_subject() -> None:
    text = ("For example, on ImageNet-1K, PoolFormer achieves 82.1% top-1 accuracy, surpassing "
            "well-tuned Vision Transformer/MLP-like baselines DeiT-B/ResMLP-B24.")
    ms = spans(text, ("ImageNet-1K", "Dataset"), ("PoolFormer", "Method"),
               ("Vision Transformer", "Method"), ("DeiT-B", "Method"), ("ResMLP-B24", "Method"))
    assert readable(text, find_relations(text, ms)) == {
        ("EVALUATED_ON", "PoolFormer", "ImageNet-1K", "rule:x_achieves_on"),
        ("OUTPERFORMS", "PoolFormer", "Vision Transformer", "rule:outperforms"),
        ("CONJUNCTION", "DeiT-B", "ResMLP-B24", "rule:conjunction")}


def test_object_of_outperforms_is_never_a_subject() -> None:
    text = "When fine-tuning on eight datasets, our method outperforms LoRA by 5.4% and DoRA by 4.4%."
    ms = spans(text, ("LoRA", "Method"), ("DoRA", "Method"))
    assert find_relations(text, ms) == []  # the subject, "our method", is no mention


def test_compared_with() -> None:
    text = ("Exhaustive experiments have been implemented and the results validate the "
            "effectiveness of the proposed Learngene Pool compared with SN-Net.")
    ms = spans(text, ("Learngene Pool", "Method"), ("SN-Net", "Method"))
    assert readable(text, find_relations(text, ms)) == {
        ("COMPARED_WITH", "Learngene Pool", "SN-Net", "rule:compared_with")}


def test_compared_to_after_the_subject_and_dataset_before_subject() -> None:
    text = ("Extensive experiments demonstrate that NFIG achieves state-of-the-art performance with "
            "fewer steps, with 1.25times speedup compared to VAR-d20 while achieving better "
            "performance (FID: 2.81) on the ImageNet-256 benchmark.")
    ms = spans(text, ("NFIG", "Method"), ("VAR-d20", "Method"), ("FID", "Metric"),
               ("ImageNet-256", "Dataset"))
    assert readable(text, find_relations(text, ms)) == {
        ("COMPARED_WITH", "NFIG", "VAR-d20", "rule:compared_with"),
        ("EVALUATED_ON", "NFIG", "ImageNet-256", "rule:x_achieves_on")}


def test_variant_of_with_an_abbreviation_between() -> None:
    text = ("Recently, State Space Duality (SSD), an improved variant of SSMs, was introduced in "
            "Mamba2 to enhance model performance and efficiency.")
    ms = spans(text, ("State Space Duality", "Method"), ("SSMs", "Method"), ("Mamba2", "Method"))
    assert readable(text, find_relations(text, ms)) == {
        ("VARIANT_OF", "State Space Duality", "SSMs", "rule:variant_of")}


def test_such_as_gives_hyponym_of_only_between_same_types() -> None:
    text = ("While Transformers have been the main architecture behind deep learning's success in "
            "language modeling, state-space models (SSMs) such as Mamba have recently been shown "
            "to match or outperform Transformers at small to medium scale.")
    ms = spans(text, ("Transformers", "Method"), ("language modeling", "Task"),
               ("state-space models", "Method"), ("Mamba", "Method"))
    assert readable(text, find_relations(text, ms)) == {
        ("HYPONYM_OF", "Mamba", "state-space models", "rule:such_as")}
    mixed = "Large-scale code generation models such as Codex and CodeT5 have achieved impressive performance."
    ms = spans(mixed, ("code generation", "Task"), ("Codex", "Method"), ("CodeT5", "Method"))
    assert readable(mixed, find_relations(mixed, ms)) == {
        ("CONJUNCTION", "Codex", "CodeT5", "rule:conjunction")}


def test_x_for_task_is_used_for() -> None:
    text = ("Web-crawled pretraining datasets underlie the impressive zero-shot evaluation "
            "performance of multimodal models, such as CLIP for classification/retrieval and "
            "Stable-Diffusion for image generation.")
    ms = spans(text, ("CLIP", "Method"), ("classification", "Task"), ("retrieval", "Task"),
               ("Stable-Diffusion", "Method"), ("image generation", "Task"))
    assert readable(text, find_relations(text, ms)) == {
        ("USED_FOR", "CLIP", "classification", "rule:x_for_task"),
        ("CONJUNCTION", "classification", "retrieval", "rule:conjunction"),
        ("USED_FOR", "Stable-Diffusion", "image generation", "rule:x_for_task")}


def test_trained_on_and_benchmark_for() -> None:
    text = ("Inverting a deep network trained on ImageNet provides several insights into the "
            "properties of the feature representation learned by the network.")
    ms = spans(text, ("deep network", "Method"), ("ImageNet", "Dataset"))
    assert readable(text, find_relations(text, ms)) == {
        ("TRAINED_WITH", "deep network", "ImageNet", "rule:trained_on")}
    bench = ("We introduce MultiScript, a new benchmark for script generation from instructional "
             "videos.")
    ms = spans(bench, ("MultiScript", "Dataset"), ("script generation", "Task"))
    assert readable(bench, find_relations(bench, ms)) == {
        ("BENCHMARK_FOR", "MultiScript", "script generation", "rule:benchmark_for")}


def test_evaluate_x_on_y() -> None:
    text = "We evaluate SPLADE on TREC DL 2019 and on the BEIR benchmark."
    ms = spans(text, ("SPLADE", "Method"), ("TREC DL 2019", "Dataset"), ("BEIR", "Dataset"))
    assert readable(text, find_relations(text, ms)) == {
        ("EVALUATED_ON", "SPLADE", "TREC DL 2019", "rule:evaluate_x_on")}


def test_every_relation_is_allowed_by_the_schema_and_sentence_bound() -> None:
    text = ("Janus surpasses Chameleon. Show-o is compared with Emu3 on MMBench for visual "
            "question answering.")
    ms = spans(text, ("Janus", "Method"), ("Chameleon", "Method"), ("Show-o", "Method"),
               ("Emu3", "Method"),
               ("MMBench", "Dataset"), ("visual question answering", "Task"))
    got = find_relations(text, ms)
    assert {r["type"] for r in got} <= set(ENTITY_RELATIONS)
    assert readable(text, got) == {
        ("OUTPERFORMS", "Janus", "Chameleon", "rule:outperforms"),
        ("COMPARED_WITH", "Show-o", "Emu3", "rule:compared_with"),
        ("EVALUATED_ON", "Show-o", "MMBench", "rule:x_achieves_on"),
        ("BENCHMARK_FOR", "MMBench", "visual question answering", "rule:dataset_for_task")}


def test_spacy_component_reads_ents_and_candidates() -> None:
    import kg.extract.relation_rules  # noqa: F401  registers kg_relation_rules
    from kg.extract.candidates import add_candidate

    nlp = spacy.blank("en")
    nlp.add_pipe("kg_relation_rules")
    text = "Moreover, MixedAE surpasses iBOT, a strong MIM method, while accelerating training by 2x."
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(10, 17, "Method")]
    add_candidate(doc, 28, 32, "Method", "kg_lexicon", 0.9)
    doc = nlp.get_pipe("kg_relation_rules")(doc)
    assert doc._.kg_relations == [{
        "type": "OUTPERFORMS", "head": (10, 17), "tail": (28, 32), "confidence": 0.85,
        "extractor": "rule:outperforms", "sentence": (0, len(text))}]
