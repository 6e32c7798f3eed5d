"""Tag names from the shipped lexicons (kg/data/lexicons/*.jsonl) as Method/Dataset/Metric/Task.

An alias with an uppercase letter or a digit ("MATH", "PIQA", "CIFAR-10", "LLaMA") matches
case-sensitively; an all-lowercase alias ("object detection", "perplexity") matches any casing, so
title-case titles still hit. A token like "ResNet-50" or "ImageNet-1K" that the tokenizer keeps
whole is tagged as a variant of the entry its first part names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract.candidates import add_candidate, text_of
from kg.extract.registry import rule_component

EXTRACTOR = "kg_lexicon"

# "latency constraints", "accuracy requirements": a metric name modifying one of these nouns
# names a condition the method must meet, not a measure the paper reports.
CONDITION_AFTER = re.compile(r"\s+(?:constraints?|budgets?|requirements?|limits?|bottlenecks?)\b", re.IGNORECASE)
CONDITION_CONFIDENCE = 0.4  # below the default --min-confidence
LEXICON_PACKAGE = "kg.data.lexicons"
CURATED_FILE = "curated.jsonl"  # loaded first: its aliases win over generated ones


@dataclass(frozen=True)
class LexiconEntry:
    name: str
    type: str
    aliases: tuple[str, ...]
    source: str
    # a general term ("diffusion model", "pruning"): a longer name around it, whoever found that
    # ("Text-to-Image Diffusion Models", "structured pruning"), is the entity, not this
    generic: bool = False


class LexiconMatch(NamedTuple):
    start: int  # character offsets into doc.text
    end: int
    type: str
    canonical: str
    variant: bool  # "ResNet-50" for the entry "ResNet"
    generic: bool = False  # LexiconEntry.generic


def read_entries(lines: Iterable[str]) -> Iterator[LexiconEntry]:
    for line in lines:
        if line.strip():
            d = json.loads(line)
            yield LexiconEntry(
                d["name"], d["type"], tuple(d.get("aliases", ())), d.get("source", ""), bool(d.get("generic"))
            )


def packaged_entries(package: str = LEXICON_PACKAGE) -> list[LexiconEntry]:
    """Every entry of the lexicon files shipped in ``package``, curated file first."""
    root = files(package)
    names = sorted((p.name for p in root.iterdir() if p.name.endswith(".jsonl")), key=lambda n: (n != CURATED_FILE, n))
    return [e for n in names for e in read_entries(root.joinpath(n).read_text("utf-8").splitlines())]


def is_case_sensitive(alias: str) -> bool:
    return alias != alias.lower() or any(c.isdigit() for c in alias)


class Lexicon:
    """Phrase matching of lexicon aliases over a Doc, independent of any pipeline."""

    def __init__(self, vocab: Vocab, make_doc: Any, entries: Iterable[LexiconEntry]) -> None:
        self.entries: list[LexiconEntry] = []
        self._exact = PhraseMatcher(vocab, attr="ORTH")
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        self._single_token: dict[str, int] = {}  # case-sensitive one-token alias → entry index
        self._digit_lower: dict[str, int] = {}  # the same with a digit, lowercased: "gsm8k" → GSM8K
        self._model_lower: dict[str, int] = {}  # a one-token model name, lowercased: "mistral"
        seen: set[str] = set()
        for entry in entries:
            index = len(self.entries)
            exact, lower = [], []
            for alias in dict.fromkeys((entry.name, *entry.aliases)):
                if alias in seen:  # an earlier file owns this surface form
                    continue
                seen.add(alias)
                doc = make_doc(alias)
                if is_case_sensitive(alias):
                    exact.append(doc)
                    if len(doc) == 1:
                        self._single_token[alias] = index
                        if entry.type == "Method":
                            self._model_lower.setdefault(alias.lower(), index)
                    # an alias in capitals ("GSM8K"), not an identifier ("mamba2")
                    if " " not in alias and any(c.isdigit() for c in alias) and alias != alias.lower():
                        self._digit_lower.setdefault(alias.lower(), index)
                else:
                    lower.append(doc)
            if not exact and not lower:
                continue
            self.entries.append(entry)
            key = str(index)
            if exact:
                self._exact.add(key, exact)
            if lower:
                self._lower.add(key, lower)
        self._entry_of = {vocab.strings[str(i)]: i for i in range(len(self.entries))}

    @classmethod
    def from_package(cls, nlp: Language, package: str = LEXICON_PACKAGE) -> Lexicon:
        return cls(nlp.vocab, nlp.make_doc, packaged_entries(package))

    def find(self, doc: Doc) -> list[LexiconMatch]:
        """Longest non-overlapping matches, leftmost first; whole-token variants last."""
        spans = []
        for m, start, end in self._exact(doc):
            if _joined_name(doc, start - 2, start) or _of_compound(doc, start):
                continue  # "MAE" inside "LV-MAE", "Transformers" in "Mixture-of-Transformers": other names
            variant_end = end
            while _joined_name(doc, variant_end + 1, variant_end):  # "ImageNet-R", "T5-XXL"
                variant_end += 2
            spans.append((start, variant_end, self._entry_of[m], variant_end != end))
        spans += [(s, e, self._entry_of[m], False) for m, s, e in self._lower(doc) if not _of_compound(doc, s)]
        spans.sort(key=lambda t: (t[0] - t[1], t[0]))  # longest first
        taken = bytearray(len(doc))
        found: list[LexiconMatch] = []
        for start, end, index, variant in spans:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            entry = self.entries[index]
            found.append(
                LexiconMatch(
                    doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), entry.type, entry.name, variant, entry.generic
                )
            )
        for token in doc:
            if taken[token.i]:
                continue
            text = token.text
            if text.isalpha():  # most tokens: neither case below
                continue
            if "-" in text:
                # The tokenizer keeps "ResNet-50" and "ImageNet-1K" whole: match their first part.
                first = text.split("-", 1)[0]
                single = self._single_token.get(first)
                model_id = (
                    single is None and first.islower() and _MODEL_SIZE.search(_glued_run(doc, token.i)) is not None
                )
                if model_id:
                    single = self._model_lower.get(first)  # a model id: "mistral-7b", "llama-2-13b-chat"
                if single is not None:
                    end = token.i + 1
                    # "LLaMA-2" "-" "7B"; a model id's own lowercase parts too: "mistral-7b" "-" "instruct"
                    while _joined_name(doc, end + 1, end) or (model_id and _glued_part(doc, end)):
                        end += 2
                    last = doc[end - 1]
                    text_end = last.idx + len(last.text.rstrip(".,;:"))
                    entry = self.entries[single]
                    found.append(LexiconMatch(token.idx, text_end, entry.type, entry.name, True))
            elif _DIGIT.search(text):
                written, variant = self._written_otherwise(text)
                if written is not None:
                    end = token.idx + len(text)
                    if (
                        variant
                        and not token.whitespace_
                        and token.i + 1 < len(doc)
                        and doc[token.i + 1].text in ("K", "M", "B")
                    ):
                        end += 1  # spaCy splits the "K" off "ImageNet1K"
                    entry = self.entries[written]
                    found.append(LexiconMatch(token.idx, end, entry.type, entry.name, variant))
        found.sort()
        return found

    def _written_otherwise(self, text: str) -> tuple[int | None, bool]:
        """A one-token name with a digit the exact match missed: a known name in other case
        ("GSM8k", "ADE20k": the name itself), or a known name with a size glued on without its
        hyphen ("ImageNet1K", "ResNet50": a variant)."""
        if text in self._single_token or not any(c.isupper() for c in text):
            return None, False
        same = self._digit_lower.get(text.lower())
        if same is not None:
            return same, False
        glued = _GLUED_SIZE.fullmatch(text)
        if glued is not None:
            return self._single_token.get(glued.group(1)), True
        return None, False


# "ImageNet1K", "ResNet50", "Places365": a name of two or more letters, then a size or version
_GLUED_SIZE = re.compile(r"([A-Za-z][A-Za-z]*[A-Za-z])(\d+[KkMB]?)")
_DIGIT = re.compile(r"\d")
_MODEL_SIZE = re.compile(r"-(?:\d+x)?\d+(?:\.\d+)?[bm](?:$|-)")  # "-7b", "-8x7b", "-1.5b-"


def _glued_run(doc: Doc, i: int) -> str:
    """Token ``i`` with the hyphenated parts glued after it: "llama-2" "-" "13b" → "llama-2-13b"."""
    end = i + 1
    while _glued_part(doc, end):
        end += 2
    return doc[i:end].text


def _glued_part(doc: Doc, end: int) -> bool:
    """Are tokens ``end`` and ``end + 1`` a hyphen and a word glued to the token before?"""
    return (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].text.isalnum()
    )


def _of_compound(doc: Doc, start: int) -> bool:
    """Does the match at token ``start`` end a compound such as "Mixture-of-Transformers"?"""
    if start < 4:
        return False
    hyphen2, joiner, hyphen1, head = doc[start - 1], doc[start - 2], doc[start - 3], doc[start - 4]
    return (
        hyphen2.text == hyphen1.text == "-"
        and joiner.text in ("of", "and", "to", "in", "on")
        and not (head.whitespace_ or hyphen1.whitespace_ or joiner.whitespace_ or hyphen2.whitespace_)
        and head.text[:1].isupper()
    )


def _joined_name(doc: Doc, other: int, edge: int) -> bool:
    """Is token ``other`` a name part glued by a hyphen to the match edge at token ``edge``?

    ``other`` is two tokens before the match start (``edge`` = start) or two after its last
    token (``edge`` = end); the hyphen sits between, with no whitespace on either side.
    """
    if other < 0 or other >= len(doc):
        return False
    hyphen = doc[(other + edge) // 2] if other < edge else doc[edge]
    left = doc[hyphen.i - 1]
    if hyphen.text != "-" or left.whitespace_ or hyphen.whitespace_:
        return False
    text = doc[other].text
    return any(c.isupper() or c.isdigit() for c in text)


@rule_component(
    EXTRACTOR,
    priority=2,
    # condition_confidence: a metric named as a constraint ("memory budgets"), below the default
    # --min-confidence
    default_config={"confidence": 0.9, "variant_confidence": 0.75, "condition_confidence": 0.4},
    assigns=["doc._.kg_candidates"],
)
def make_lexicon_component(
    nlp: Language,
    name: str,
    *,
    confidence: float,
    variant_confidence: float,
    condition_confidence: float = CONDITION_CONFIDENCE,
) -> LexiconComponent:
    return LexiconComponent(Lexicon.from_package(nlp), confidence, variant_confidence, condition_confidence)


class LexiconComponent:
    def __init__(
        self,
        lexicon: Lexicon,
        confidence: float,
        variant_confidence: float,
        condition_confidence: float = CONDITION_CONFIDENCE,
    ) -> None:
        self.lexicon = lexicon
        self.confidence = confidence
        self.variant_confidence = variant_confidence
        self.condition_confidence = condition_confidence

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)  # doc.text joins every token: once per doc, not once per match
        for m in self.lexicon.find(doc):
            if m.variant:
                # The span is the variant as written; the entry it varies goes along for resolve.
                add_candidate(doc, m.start, m.end, m.type, EXTRACTOR, self.variant_confidence, variant_of=m.canonical)
            else:
                condition = m.type == "Metric" and CONDITION_AFTER.match(text, m.end)
                add_candidate(
                    doc,
                    m.start,
                    m.end,
                    m.type,
                    EXTRACTOR,
                    self.condition_confidence if condition else self.confidence,
                    canonical=m.canonical,
                    **({"yields": True} if m.generic else {}),
                )
        return doc
