"""Judging the statistical NER's spans: which type, how confident, and whether one occurrence is
enough.

The NER was trained on SciERC/SciER, whose annotators marked many generic phrases; on our dev
gold the raw model has precision ≈ 0.42. The judgement here is what turns its spans into
candidates the paper-level resolution can weigh against the rule components' claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from kg.data import read_json
from kg.extract.names import common_words


@dataclass(frozen=True)
class NerConfidences:
    """The confidences a judged NER span can get (configuration, not logic). Each NER states
    its own through a ``ner_confidences`` attribute on its component (:func:`ner_confidences`):
    the CNN head needs the checks that the transformer no longer does."""

    named: float = 0.7  # carries capitals or digits: "Mixture-of-Experts"
    plain: float = 0.6  # lowercase, nothing against it: "domain generalization" as a Task
    lowercase_method: float = 0.48  # a lowercase Method
    lowercase_method_needs_repeat: bool = True  # ... kept only when repeated (Judgement.needs_repeat)
    not_one_thing: float = 0.45  # a coordination, a title clause, a quality called a metric
    fragment: float = 0.4  # cut after a modifier, a single lowercase word, a kind of data
    # the types for which a single lowercase word is a fragment ("augmentation", "robustness"):
    # the transformer also says "generation" or "vision" is a Task
    single_word_types: tuple[str, ...] = ("Method", "Metric", "Dataset")
    # a single lowercase Task word is one only when it is a task's head noun ("classification",
    # "segmentation"), not a field or a property ("vision", "caching", "preservation")
    single_task_word_needs_head: bool = True
    # The transformer's own probability that a span is an entity (kg_ner_scores; the CNN states
    # none, so these never apply to it): a lowercase Method this sure needs no repeat, and a
    # Task this doubtful is a fragment. Chosen on the dev gold sets (MODEL_CARD.md).
    sure_lowercase_method: float = 1.1  # above 1: never
    doubtful_task: float = 0.0  # 0: never


NER = NerConfidences()


class Judgement(NamedTuple):
    type: str
    confidence: float
    # A lowercase Method the NER alone found is too often a generic phrase ("feature fusion") to
    # keep on one sighting: the paper must mention it again (kg/extract/grouping.py applies this).
    needs_repeat: bool = False


@lru_cache(maxsize=1)
def _head_nouns() -> list[tuple[str, frozenset[str]]]:
    data = read_json("head_nouns.json")
    return [(t, frozenset(data[t])) for t in ("Dataset", "Metric", "Task", "Method")]


@lru_cache(maxsize=1)
def _heads_the_ner_decides() -> frozenset[str]:
    return frozenset(read_json("head_nouns.json")["Heads the NER decides"])


def _ner_decides(phrase: str) -> bool:
    """ "object-centric learning" is a Task, "structure contrastive learning" a Method: the head
    says nothing, and the NER's label stands."""
    words = phrase.strip().lower().split()
    return bool(words) and words[-1] in _heads_the_ner_decides()


def type_by_head(phrase: str) -> str | None:
    words = re.split(r"[\s/]+", phrase.strip().lower())
    last = words[-1] if words else ""
    last_part = last.split("-")[-1]
    for typ, heads in _head_nouns():
        if last in heads or last_part in heads:
            return typ
    return None


def name_like(text: str) -> bool:
    """Carries a capital or a digit: a name of its own ("ARPG", "GPT-4"), not a description."""
    return any(c.isupper() or c.isdigit() for c in text)


_DATASET_CONTEXT = re.compile(
    r"\b(?:datasets?|benchmarks?|corpus|corpora|test set|evaluat\w*|experiments?|"
    r"trained on|pre-?trained on|fine-?tuned on|results on|accuracy on)\b",
    re.IGNORECASE,
)
_COORDINATION = re.compile(r"\s(?:and|or)\s")
# "Deep Human Parsing with Active Template Regression": a title clause, not one name
_PREPOSITION = re.compile(r"\s(?:with|via|using|for|from|by|towards?|through)\s")
# A mention ends in a noun. A span the NER cut after a modifier ("pixel-wise", "few-shot",
# "Text-based", "text-to", "storage while") is a fragment of a longer phrase, not a thing.
_MODIFIER_END = re.compile(
    r"(?:-(?:wise|based|aware|free|level|label|shot|task|to|subject|like|specific|"
    r"agnostic|driven|guided|only|style)|(?:^|\s)(?:while|to|of|and|or|for|with|the|"
    r"a|an|by|via|low|high|cross|non|pre|post))$",
    re.IGNORECASE,
)
_PARTICIPLE = re.compile(r"^[A-Za-z]+-[a-z]+ed$")


# "while surpassing Show-o across benchmarks": what is surpassed is a competitor (the NER, reading
# "across benchmarks", now and then says Metric)
_COMPARED_OBJECT = re.compile(r"\b(?:surpass|outperform|beat|exceed)\w*\s+(?:the\s+)?$", re.IGNORECASE)


def judge_ner(
    text: str,
    label: str,
    sentence: str = "",
    conf: NerConfidences = NER,
    score: float | None = None,
    before: str = "",
) -> Judgement:
    """Type and confidence for a statistical NER span.

    A head noun that names a type overrides the model's label ("domain generalization" is a
    Task, "language models" a Method), a lowercase "dataset" that is not called one is usually a
    kind of data ("limited training data"), and a single lowercase word is rarely a named method
    or metric ("augmentation", "robustness"). A name-like "Metric" right after "surpassing" is
    the competitor surpassed, a Method; ``before`` is the text before the span in its field.
    """
    by_head = type_by_head(text)
    if by_head and by_head != label and not _ner_decides(text):
        label = by_head
    elif label == "Metric" and _COMPARED_OBJECT.search(before) and name_like(text) and not is_metric_name(text):
        label = "Method"
    words = text.split()
    if _MODIFIER_END.search(text):
        return Judgement(label, conf.fragment)
    if label != "Task" and (_COORDINATION.search(text) or _PARTICIPLE.search(text) or _PREPOSITION.search(text)):
        return Judgement(label, conf.not_one_thing)  # "Russian and Chinese text", "Web-crawled"
    if label == "Dataset" and (
        not name_like(text)
        or (by_head != "Dataset" and not _DATASET_CONTEXT.search(sentence))
        or (len(words) == 1 and text.lower() in common_words())
    ):
        # Dataset names carry capitals or digits ("a multi-object dataset" describes one);
        # a capitalised ordinary word ("Russian") is a language, not a corpus
        return Judgement(label, conf.fragment)
    if len(words) == 1 and not name_like(text) and label in conf.single_word_types:
        return Judgement(label, conf.fragment)
    if len(words) == 1 and not name_like(text) and label == "Task" and conf.single_task_word_needs_head:
        if by_head != "Task":  # "vision", "caching", "supervisory"; not "classification"
            return Judgement(label, conf.fragment)
    # a doubtful Task stands on a task's head noun that ends a phrase ("test-time adaptation"),
    # never on the noun alone ("generation")
    if label == "Task" and score is not None and score < conf.doubtful_task and (by_head != "Task" or len(words) == 1):
        return Judgement(label, conf.fragment)
    if label == "Method" and not name_like(text):
        if score is not None and score >= conf.sure_lowercase_method:
            return Judgement(label, conf.plain)
        return Judgement(label, conf.lowercase_method, needs_repeat=conf.lowercase_method_needs_repeat)
    if label == "Metric" and not name_like(text) and by_head != "Metric":
        return Judgement(label, conf.not_one_thing)  # "computational efficiency": a quality
    return Judgement(label, conf.named if name_like(text) else conf.plain)


def ner_confidences(nlp: Any) -> NerConfidences:
    """How ``nlp``'s NER wants its spans judged: the ``ner_confidences`` of the first component
    that states them, else the defaults (the CNN's)."""
    for _, component in nlp.pipeline:
        stated = getattr(component, "ner_confidences", None)
        if isinstance(stated, NerConfidences):
            return stated
    return NER


def is_metric_name(text: str) -> bool:
    """The whole of ``text`` is a metric's name ("mIoU", "top-1 accuracy", "FID")."""
    return _is_metric_name(text.strip())


# Asked of every mention every extractor types (~16 a paper, mostly the same few hundred
# strings), and the answer depends on the text alone: the metric patterns and lexicon are read
# once a process.
@lru_cache(maxsize=1 << 15)
def _is_metric_name(text: str) -> bool:
    from kg.extract.metrics import find_metric_names

    return bool(text) and find_metric_names(text) == [(0, len(text))]


@lru_cache(maxsize=1)
def _learning_words() -> tuple[frozenset[str], frozenset[str]]:
    data = read_json("head_nouns.json")
    return frozenset(data["Task settings of learning"]), frozenset(data["Method techniques of learning"])


def is_learning_setting(text: str) -> bool:
    """ "few-shot learning", "continual learning", "graph representation learning": a problem
    setting, which the guidelines make a Task; "self-supervised learning", "meta-learning",
    "contrastive learning" and "masked contrastive representation learning" are techniques."""
    words = text.lower().split()
    if len(words) < 2 or words[-1] != "learning":
        return False
    settings, techniques = _learning_words()
    # "Masked Contrastive Representation Learning" names a technique for the setting
    return any(w in settings for w in words[:-1]) and not any(w in techniques for w in words[:-1])


def _ambiguous_acronym(text: str) -> bool:
    """ "MAE" is a masked autoencoder as often as a mean absolute error: its caller's type stands."""
    from kg.extract.metric_names import AMBIGUOUS_ACRONYMS

    return text.strip() in AMBIGUOUS_ACRONYMS


def type_of_mention(text: str, label: str) -> str:
    """The typing rules every extractor's mention passes (MODEL_CARD.md, "Typing policy"): a
    metric's name is a Metric whatever called it a Method ("mIou" from the name rule, "FID" from
    the NER), and a learning setting is a Task ("few-shot learning"); nothing else is retyped
    here (the NER's own spans are judged above)."""
    if label == "Method" and is_metric_name(text) and not _ambiguous_acronym(text):
        return "Metric"
    if label == "Method" and is_learning_setting(text):
        return "Task"
    return label
