"""The one list of node types and relation types.

Everything else derives from here: the JSON Schema enums, the Neo4j constraints, the HTML
legend, the docs in schemas/graph.md. Labels and relationship types are never taken from input
text; anything that reaches Neo4j or the HTML as a label or type must be a key of these dicts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NodeType:
    name: str
    key: str  # what the canonical key is made of
    color: str
    shape: str  # a vis-network shape
    description: str


@dataclass(frozen=True)
class RelationType:
    name: str
    heads: tuple[str, ...]
    tails: tuple[str, ...]
    level: str  # "paper" (Paper → entity), "entity" (entity → entity) or "result"
    color: str
    description: str


ENTITY_TYPES: tuple[str, ...] = ("Method", "Dataset", "Metric", "Task", "Repository", "Website")

NODE_TYPES: dict[str, NodeType] = {
    t.name: t
    for t in (
        NodeType(
            "Paper",
            "input id, else a stable hash of the normalized title",
            "#4e79a7",
            "dot",
            "A paper: title, abstract, URL, authors, date, the files and lines it was read from.",
        ),
        NodeType(
            "Method", "canonical name", "#f28e2b", "diamond", "A model, architecture, algorithm or training technique."
        ),
        NodeType(
            "Dataset",
            "canonical name",
            "#59a14f",
            "square",
            "A dataset or benchmark a paper evaluates on, trains on or introduces.",
        ),
        NodeType(
            "Metric", "canonical name", "#e15759", "triangle", "An evaluation metric (accuracy, F1, FID, BLEU, …)."
        ),
        NodeType(
            "Task",
            "canonical name",
            "#76b7b2",
            "triangleDown",
            "A problem a paper addresses (object detection, machine translation, …).",
        ),
        NodeType(
            "Repository",
            "host/owner/name, lowercased",
            "#9c755f",
            "hexagon",
            "A code or model repository (GitHub, GitLab, Hugging Face, …).",
        ),
        NodeType("Website", "normalized URL", "#bab0ac", "star", "Any other project page the paper links to."),
        NodeType(
            "Result",
            "hash of paper, metric, value, dataset, method",
            "#edc948",
            "ellipse",
            "A reported number: metric, value, unit, absolute or relative change.",
        ),
    )
}

_ALL = ENTITY_TYPES
# The types the NER and the sentence-level finders work on (not Repository/Website).
SCIENTIFIC_TYPES: tuple[str, ...] = ("Method", "Dataset", "Metric", "Task")
_SCI = SCIENTIFIC_TYPES

RELATION_TYPES: dict[str, RelationType] = {
    r.name: r
    for r in (
        # Paper-level
        RelationType(
            "PROPOSES",
            ("Paper",),
            ("Method", "Dataset"),
            "paper",
            "#d62728",
            "The paper introduces this method or dataset.",
        ),
        RelationType(
            "USES",
            ("Paper",),
            ("Method", "Dataset"),
            "paper",
            "#ff7f0e",
            "The paper builds on or compares with this method, or trains on this dataset.",
        ),
        RelationType(
            "EVALUATES_ON",
            ("Paper",),
            ("Dataset",),
            "paper",
            "#2ca02c",
            "The paper reports experiments on this dataset or benchmark.",
        ),
        RelationType("ADDRESSES", ("Paper",), ("Task",), "paper", "#17becf", "The paper addresses this task."),
        RelationType("MEASURES", ("Paper",), ("Metric",), "paper", "#e377c2", "The paper reports this metric."),
        RelationType(
            "HAS_CODE", ("Paper",), ("Repository",), "paper", "#8c564b", "The paper's code or model repository."
        ),
        RelationType("HAS_PAGE", ("Paper",), ("Website",), "paper", "#7f7f7f", "A project page the paper links to."),
        RelationType("REPORTS", ("Paper",), ("Result",), "paper", "#bcbd22", "A result the paper reports."),
        # Result-level
        RelationType(
            "OF_METRIC", ("Result",), ("Metric",), "result", "#e377c2", "The metric the result is measured in."
        ),
        RelationType(
            "ON_DATASET", ("Result",), ("Dataset",), "result", "#2ca02c", "The dataset the result was measured on."
        ),
        RelationType(
            "BY_METHOD", ("Result",), ("Method",), "result", "#ff7f0e", "The method that achieved the result."
        ),
        # Entity-level (inside sentences), on SciERC's and SciER's taxonomy where it maps
        # Any scientific type on either side, as SciERC annotates it: 10 % of its train
        # USED-FOR relations (12 % of test) have a Task head ("parsing is used for machine
        # translation") or a Metric tail, which the narrower schema could never output
        RelationType("USED_FOR", _SCI, _SCI, "entity", "#1f77b4", "A is used for B (SciERC USED-FOR, SciER Used-For)."),
        RelationType(
            "EVALUATED_ON",
            ("Method",),
            ("Dataset",),
            "entity",
            "#2ca02c",
            "Method A is evaluated on dataset B (SciER Evaluated-With).",
        ),
        RelationType(
            "TRAINED_WITH",
            ("Method",),
            ("Dataset",),
            "entity",
            "#98df8a",
            "Method A is trained on dataset B (SciER Trained-With).",
        ),
        RelationType(
            "BENCHMARK_FOR",
            ("Dataset",),
            ("Task",),
            "entity",
            "#aec7e8",
            "Dataset A is a benchmark for task B (SciER Benchmark-For).",
        ),
        RelationType(
            "EVALUATE_FOR",
            ("Metric", "Dataset"),
            _SCI,
            "entity",
            "#c5b0d5",
            "A is used to evaluate B (SciERC EVALUATE-FOR).",
        ),
        RelationType(
            "COMPARED_WITH",
            ("Method",),
            ("Method",),
            "entity",
            "#9467bd",
            "A is compared with B (SciERC COMPARE, SciER Compare-With).",
        ),
        RelationType("OUTPERFORMS", ("Method",), ("Method",), "entity", "#d62728", "A is reported to beat B."),
        RelationType("PART_OF", _ALL, _ALL, "entity", "#8c564b", "A is a part of B (SciERC PART-OF, SciER Part-Of)."),
        RelationType("FEATURE_OF", _SCI, _SCI, "entity", "#c49c94", "A is a feature of B (SciERC FEATURE-OF)."),
        RelationType(
            "HYPONYM_OF", _SCI, _SCI, "entity", "#dbdb8d", "A is a kind of B (SciERC HYPONYM-OF, SciER SubClass-Of)."
        ),
        RelationType(
            "VARIANT_OF",
            _ALL,
            _ALL,
            "entity",
            "#f7b6d2",
            "A is a version of B of the same type (ImageNet-1K → ImageNet).",
        ),
        RelationType(
            "CONJUNCTION",
            _SCI,
            _SCI,
            "entity",
            "#c7c7c7",
            "A and B are mentioned as a conjunction (SciERC CONJUNCTION).",
        ),
    )
}

PAPER_RELATIONS = tuple(n for n, r in RELATION_TYPES.items() if r.level == "paper")
ENTITY_RELATIONS = tuple(n for n, r in RELATION_TYPES.items() if r.level == "entity")
RESULT_RELATIONS = tuple(n for n, r in RELATION_TYPES.items() if r.level == "result")


def node_id(node_type: str, key: str) -> str:
    """The graph's node id: ``Type:key``. One id per canonical thing across the corpus."""
    if node_type not in NODE_TYPES:
        raise ValueError(f"unknown node type {node_type!r}")
    return f"{node_type}:{key}"


def split_node_id(nid: str) -> tuple[str, str]:
    node_type, _, key = nid.partition(":")
    if node_type not in NODE_TYPES or not key:
        raise ValueError(f"not a node id: {nid!r}")
    return node_type, key


def allowed(relation: str, head_type: str, tail_type: str) -> bool:
    r = RELATION_TYPES.get(relation)
    return r is not None and head_type in r.heads and tail_type in r.tails
