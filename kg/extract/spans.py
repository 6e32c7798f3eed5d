"""Paper mentions: one claim that a span names a thing, and choosing among overlapping claims.

Spans are cleaned (determiners, brackets and punctuation trimmed, generic phrases dropped), then
where claims overlap the longer rule span wins, then the sharper rule (extractor priority,
kg/extract/registry.py); the statistical NER only fills what the rules left.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from kg.data import read_term_list
from kg.extract.languages import LANGUAGE_PAIR
from kg.extract.name_lists import is_title_cased
from kg.resolve.keys import canonical_key

_LEADING = re.compile(
    r"^(?:(?:the|a|an|our|their|its|this|these|those|such|both|each|all|"
    r"several|various|existing|previous|prior|proposed|novel|new)\s+)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"(?:['’]s\b)?[\s,.;:!?)\]}'\"]*$")  # and a possessive: "CrossMAE's"
# "structured pruning", "bidirectional self-attention", "decoupled cross-attention": a general
# technique term's own kind, written before it, belongs to it
_KIND_BEFORE = re.compile(
    r"(?:\b(?:structured|unstructured|bidirectional|unidirectional|learnable|learned|decoupled"
    r"|hierarchical|statistical|causal|masked|gated|stochastic|differentiable|conditional|adaptive"
    r"|dynamic|iterative|progressive|rotary|relative|absolute|spectral|channel|spatial|temporal"
    r"|[a-z]+-(?:wise|level|aware|guided|view|head|grained))\s+){1,2}$"
)
# a family of models keeps its name: "large-scale LLMs" are LLMs
_FAMILY = re.compile(r"(?i)(?:models?|LLMs?|MLLMs?|VLMs?|DNNs?|networks?)$")
# "Kim et al. (2023)": an author cited, not a thing
_CITED = re.compile(r"\s+et\s+al\b")
# The argument of a TeX command is markup, not a name: "\color{ddtD}ecoupled" (samples)
_TEX_ARGUMENT = re.compile(r"\\[A-Za-z]+\{$")
_LEAD_PUNCT = re.compile(r"^[\s(\[{'\"]+")
# "top-1 accuracy", "recognition accuracy", "reconstruction error": the modifier names the measure
_METRIC_MODIFIER = re.compile(r"(?:\b[Tt]op-?\d+|\b[a-z]+ion)\s+$")
# A dataset's version or split written after its name: "COCO 2017", "WMT'16 En-De", "SQuAD v2",
# "COCO test-dev", "ImageNet-1K" (kept by the word-end rule), "VQA v2.0", "ImageNet 256×256"
_DATASET_SUFFIX = re.compile(
    r"(?:\s?['’]\d{2}(?:\s+[A-Z][a-z]-[A-Z][a-z](?![\w-]))?|\s(?:19|20)\d{2}(?![\w-]|\.\d)"
    r"|[\s-]v\d+(?:\.\d+)?(?![\w-])|\s(?:test-dev|test-std)(?![\w-])"
    # "WMT'16 En-De" when a rule's span stopped after the year
    r"|(?<=['’]\d{2})\s+[A-Z][a-z]-[A-Z][a-z](?![\w-])"
    # a translation direction after a year or version: "WMT14 English-German", "WMT 2014 En-De"
    rf"|(?<=\d)\s+{LANGUAGE_PAIR}"
    # a resolution: "ImageNet 256×256", "ImageNet 512times512" (LaTeX's \times lost in a dump)
    r"|\s\d{2,4}\s?(?:x|×|times)\s?\d{2,4}(?![\w-]|\.\d)"
    # a square resolution written once, before the cue noun: "the ImageNet-1K 256 benchmark"
    r"|\s(?:32|64|128|256|512|1024)(?=\s+(?:benchmark|dataset|resolution)s?\b))"
)
# A model's size or version belongs to its name (GUIDELINES.md: "LLaVA-NeXT-8B", "Mistral 7B",
# "Llama 3.2"), never a count, a factor or a score written after it ("BERT 1.5 times faster")
_METHOD_SUFFIX = re.compile(
    r"(?:\s\d+(?:\.\d+)?[BMKT]|\s\d+\.\d+|[\s-]v\d+(?:\.\d+)?)(?![\w%×-]|\.\d)"
    r"(?!\s*(?:times|x\b|×|points?|pp|percent|parameters?|params|tokens|images|samples|examples|words|hours))"
    # a size written as a capitalised word: "GPT-2 Small", "T5 XXL" (not "… Large Language Models")
    r"|\s(?:Tiny|Small|Base|Medium|Large|Huge|Giant|XL|XXL)\b(?![\w-]|\s+(?:Language|Models?|Scale|Vision|Multi))"
)
_LOSS_AFTER = re.compile(r"\s(?:loss|losses)(?![\w-])")
UNRANKED = 9  # an extractor no registration ranks: below everything


@dataclass
class PaperMention:
    """A claim on a span of one field; ``priority`` is its extractor's rank (lower wins)."""

    field: str
    start: int
    end: int
    text: str
    type: str
    extractor: str
    confidence: float
    proposed: bool = False
    canonical: str | None = None
    key: str | None = None
    url: str | None = None
    priority: int = UNRANKED
    needs_repeat: bool = False
    yields: bool = False  # a general term's claim: any longer overlapping span wins over it


@lru_cache(maxsize=1)
def generic_keys() -> frozenset[str]:
    return frozenset(canonical_key(line) for line in read_term_list("generic_terms.txt"))


# Hardware is what a speed is measured on ("3x faster on H100", "30 FPS on RTX 4090"), never an
# entity (GUIDELINES.md): the one list of it, read by the dataset cues and the results rule too
HARDWARE = re.compile(r"^(?:[AHLVT]\d{2,3}[A-Za-z]?|RTX|GTX|TPU|TPUs|GPU|GPUs|CPU|CPUs|Jetson|Apple|M[1-4])\b")


def is_hardware(name: str) -> bool:
    """Whether ``name`` starts with a hardware name ("A100", "RTX 4090", "TPUs")."""
    return HARDWARE.match(name) is not None


def is_generic(text: str) -> bool:
    key = canonical_key(text)
    return not key or key in generic_keys() or key.replace("-", "").isdigit() or len(key) < 2


def clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim determiners ("the", "our"), brackets and trailing punctuation from a span."""
    s = text[start:end]
    m = _LEAD_PUNCT.match(s)
    if m:
        start += m.end()
        s = s[m.end() :]
    m = _LEADING.match(s)
    if m and m.end() < len(s):
        start += m.end()
        s = s[m.end() :]
    m = _TRAILING.search(s)
    if m and m.start() > 0:
        end = start + m.start()
    # spaCy's tokenizer splits units off numbers ("ImageNet-1K" → "ImageNet-1", "K"): a span
    # never ends inside a word
    # (over letters and digits only: "Transformer-based" stays "Transformer")
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def dataset_end(text: str, end: int) -> int:
    """Where a dataset name ending at ``end`` really ends: over its version or split suffixes."""
    while (suffix := _DATASET_SUFFIX.match(text, end)) is not None and suffix.end() > end:
        end = suffix.end()
    return end


def method_end(text: str, start: int, end: int) -> int:
    """Where a method's name ending at ``end`` really ends: over a model's size or version, and
    over a loss's head."""
    loss = _LOSS_AFTER.match(text, end)
    # GUIDELINES.md: a loss is a Method, named with its head ("InfoNCE loss"); not a technique's
    # losses ("pruning losses": what pruning loses)
    if loss is not None and not text[start:end].endswith("ing"):
        return loss.end()
    if not any(c.isupper() for c in text[start:end]):
        return end
    suffix = _METHOD_SUFFIX.match(text, end)
    return suffix.end() if suffix is not None else end


# The architecture under its kind's name: "Switch Transformers", "Post-Norm Transformers", "Graph
# Transformer" (GUIDELINES.md: architecture names are named Methods): one to three capitalised
# words right before a capitalised "Transformer", none a determiner or the sentence's first word
# (unless hyphenated: "Post-Norm Transformers are …"); in a title every word is capitalised, so
# none of it says a name
_ARCHITECTURE = re.compile(r"Transformers?")
_CAPITALISED_BEFORE = re.compile(r"(?<![\w-])((?:[A-Z][\w-]*\s+){1,3})$")
_CAPITALISED = re.compile(r"[A-Z][\w-]*")
_NOT_PART = frozenset({"The", "A", "An", "Our", "Its", "Their", "This", "These", "That", "Those", "Both", "All"})
_OPENERS = '.!?:;("“'


@lru_cache(maxsize=4)
def _title_cased(text: str) -> bool:
    return is_title_cased(text)  # once per field, however many "Transformer"s it names


def architecture_start(text: str, start: int, end: int) -> int:
    """Where an architecture's name ending in "Transformer(s)" at ``start:end`` really starts."""
    if not _ARCHITECTURE.fullmatch(text, start, end) or _title_cased(text):
        return start
    m = _CAPITALISED_BEFORE.search(text, max(0, start - 60), start)
    if m is None:
        return start
    new = start
    for w in reversed(list(_CAPITALISED.finditer(text, m.start(1), m.end(1)))):
        j = w.start() - 1
        while j >= 0 and text[j].isspace():
            j -= 1
        if w.group() in _NOT_PART or ((j < 0 or text[j] in _OPENERS) and "-" not in w.group()):
            break
        new = w.start()
    return new


def _has_suffix(text: str, start: int, end: int) -> bool:
    return any(m.end() == end for m in _DATASET_SUFFIX.finditer(text, start, end))


def _balanced(name: str) -> bool:
    """A span that opens a bracket it does not close (or closes one it did not open) is a piece
    of a formula or of markup ("g(f(X", "C}ommittee {bf V}oting"), not a name."""
    return name.count("(") == name.count(")") and name.count("{") == name.count("}")


def overlaps(a: PaperMention, b: PaperMention) -> bool:
    return a.field == b.field and a.start < b.end and b.start < a.end


def select(mentions: list[PaperMention], texts: dict[str, str]) -> list[PaperMention]:
    """Clean spans, drop generic ones, and keep the best extractor's claim where spans overlap."""
    cleaned = []
    for m in mentions:
        if m.type not in ("Repository", "Website"):
            m.start, m.end = clean_span(texts[m.field], m.start, m.end)
            if m.type == "Dataset":
                m.end = dataset_end(texts[m.field], m.end)
                if m.canonical and _has_suffix(texts[m.field], m.start, m.end):
                    # "COCO 2017" is a variant of COCO, named as written (as "ImageNet-1K" is), not
                    # the lexicon's "COCO" with an alias; leaderboards group variants by family
                    m.canonical, m.key = None, None
            if m.type == "Method" and (end := method_end(texts[m.field], m.start, m.end)) > m.end:
                m.end, m.canonical, m.key = end, None, None  # "Llama 3.2" is named as written
            if m.type == "Method" and (start := architecture_start(texts[m.field], m.start, m.end)) < m.start:
                m.start, m.canonical, m.key = start, None, None
            if m.type == "Metric":
                k = _METRIC_MODIFIER.search(texts[m.field], max(0, m.start - 40), m.start)
                if k:  # "top-1 accuracy" is not "accuracy"
                    m.start = k.start()
                    m.canonical = None
            if m.yields and m.type == "Method" and not _FAMILY.search(texts[m.field], m.start, m.end):
                kind = _KIND_BEFORE.search(texts[m.field], max(0, m.start - 40), m.start)
                if kind:
                    m.start, m.canonical, m.key = kind.start(), None, None
            m.text = texts[m.field][m.start : m.end]
            # a coined name the paper proposes is its own, whatever common word it spells
            # ("we propose UniCode" is no Unicode)
            own = m.proposed and any(c.isupper() for c in m.text[1:])
            if (
                (is_generic(m.text) and not own)
                or _CITED.match(texts[m.field], m.end)
                or not _balanced(m.text)
                or _TEX_ARGUMENT.search(texts[m.field], max(0, m.start - 20), m.start)
            ):
                continue
        if m.end > m.start:
            cleaned.append(m)
    # Among the rules the longer span wins ("Split ImageNet-R" over "ImageNet", "Mixture-of-Mamba"
    # over "Mamba"), then the sharper rule; the statistical NER only fills what rules left. A
    # general term's claim ("pruning") competes with the NER's, so the longer one of the two wins
    # ("structured pruning").
    cleaned.sort(key=lambda m: (m.extractor == "ner" or m.yields, -(m.end - m.start), m.priority, m.field, m.start))
    kept: list[PaperMention] = []
    # kept spans never overlap, so sorted by start they are sorted by end too: the only one that
    # can overlap a new span is the last one starting before the new span ends
    starts: dict[str, list[int]] = defaultdict(list)
    spans: dict[str, list[PaperMention]] = defaultdict(list)
    for m in cleaned:
        i = bisect.bisect_left(starts[m.field], m.end)
        prev = spans[m.field][i - 1] if i else None
        clash = prev if prev is not None and prev.end > m.start else None
        if clash is None:
            kept.append(m)
            starts[m.field].insert(i, m.start)
            spans[m.field].insert(i, m)
        elif (clash.start, clash.end, clash.type) == (m.start, m.end, m.type):
            # same span, same type, another extractor: agreement raises confidence
            clash.confidence = min(0.99, max(clash.confidence, m.confidence) + 0.1)
            clash.proposed = clash.proposed or m.proposed
    kept.sort(key=lambda m: (m.field != "title", m.start))
    return kept
