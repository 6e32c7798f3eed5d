"""Dataset names found by the words around them: "on the X benchmark", "X, Y, and Z datasets",
"a new benchmark, X", "datasets such as X", "X, the first dataset for …", "evaluated on X and Y";
and metric names the same way: "human preference metrics (PickScore, ImageReward, and HPS)",
"InfoMEC, a new set of metrics", "the FID and IS metrics".

Works on a tokenized Doc alone (no tagger), reading lists of names as kg/extract/name_lists.py
does, with the Dataset candidates kg_lexicon left on the Doc as names. "on 15 datasets", "on the
dataset", "on a large dataset" have none.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from spacy.attrs import LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

from kg.data import read_json
from kg.extract.candidates import add_candidate, candidates, text_of
from kg.extract.judge import is_metric_name
from kg.extract.languages import find_language_pairs
from kg.extract.name_lists import (
    LIST_JOINERS,
    VALUE_TOKEN,
    NameFlags,
    before_parenthesis,
    chunk_end,
    is_title_cased,
    list_ending_at,
    list_starting_at,
    sentence_initial,
)
from kg.extract.registry import rule_component
from kg.extract.spans import is_hardware
from kg.extract.subjects import claim_verb_after

EXTRACTOR = "kg_dataset_cues"
_WORDS = read_json("dataset_cues.json")  # the word lists, as data
CUES = set(_WORDS["cues"])
PLURAL_CUES = set(_WORDS["plural_cues"])
NAMING_WORDS = set(_WORDS["naming_words"])
# what opens a list after a cue: "including", "like", a dash or a colon ("such as" is checked as a pair)
LIST_OPENERS = set(_WORDS["list_openers"])
# Words before "on X" that make X something evaluated on, trained on or reported on.
EVAL_TRIGGERS = set(_WORDS["eval_triggers"])
# Capitalized or digit-bearing words that describe a kind of data, not a named one.
GENERIC_HEADS = set(_WORDS["generic_heads"])
MODEL_SIZE = re.compile(r"\b\d+(\.\d+)?[BM]\b")  # "Llama 3 8B": a model, not a dataset
_SPEEDUP = re.compile(r"(?i)\d(?:x|×|\s?times)\b|\b(?:acceleration|speed-?ups?|faster)\b")
_SLASHED_PAIR = re.compile(r"([A-Z][\w-]{2,})/([A-Z][\w-]{2,})")

Mention = tuple[int, int, float]
_CUE_IDS = {get_string_id(w) for w in CUES}
_METRIC_CUE_IDS = {get_string_id(w) for w in ("metric", "metrics")}
_ON_IDS = {get_string_id(w) for w in ("on", "across")}
_TRIGGER_IDS = {get_string_id(w) for w in EVAL_TRIGGERS}
_THE_ID = get_string_id("the")
_BY_ID = get_string_id("by")
_OPENING_QUOTES = ('"', "“", "'", "‘")
_IMPROVE_IDS = {get_string_id(w) for w in ("improve", "improves", "improved", "improving")}


@dataclass(frozen=True)
class CueConfidences:
    """How sure each cue makes a name a dataset (kg_dataset_cues' default_config)."""

    before_cue: float = 0.85  # "the X benchmark", "X and Y datasets"
    after_cue: float = 0.8  # "datasets such as X", "benchmark BrainHub"
    apposition: float = 0.7  # "FolkDB, a … music dataset"
    evaluated_on: float = 0.6  # "evaluated on X and Y", no cue noun


CUE_CONFIDENCES = CueConfidences()


def find_dataset_mentions(doc: Doc, conf: CueConfidences = CUE_CONFIDENCES) -> list[Mention]:
    """(start_char, end_char, confidence) of dataset names cued by the words around them."""
    lowered = text_of(doc).lower()
    if not any(cue in lowered for cue in ("dataset", "benchmark", "corp", "environment", " on ", " across ")):
        return []  # most sentences: no Token objects made at all
    lexicon = _lexicon_tokens(doc)
    known = lexicon.get("Dataset", set())
    others = lexicon.get("Method", set()) | lexicon.get("Metric", set())
    title_case = is_title_cased(text_of(doc))
    name = NameFlags(doc, title_case, known)
    found: dict[tuple[int, int], float] = {}

    def add(chunks: list[tuple[int, int]], confidence: float) -> None:
        _keep(found, doc, chunks, confidence)

    lower_ids = doc.to_array(LOWER).tolist()  # hashes: no Token objects for the scan
    for c_i in [i for i, h in enumerate(lower_ids) if h in _CUE_IDS]:
        cue = doc[c_i]
        if cue.lower_ not in CUES or (cue.text[0].isupper() and not title_case and not sentence_initial(cue)):
            continue  # "Dataset Distillation" mid-sentence names a task; "Benchmarks such as X" opens one
        c = cue.i
        # Left: "the X benchmark", "X and Y datasets", "X, Y, and Z benchmark datasets".
        end = c
        if end > 0 and doc[end - 1].lower_ in ("benchmark", "evaluation"):
            end -= 1
        end = before_parenthesis(doc, end)  # "AVSBench-object (84.7 mIoU on S4) datasets"
        chunks = list_ending_at(doc, name, end)
        strong = any(_has_digit(doc, s, e) or _overlaps(known, s, e) for s, e in chunks)
        if chunks and (cue.lower_ not in PLURAL_CUES or len(chunks) > 1 or strong):
            add(chunks, conf.before_cue)
        # Right: "benchmark, Split ImageNet-R", "dataset called 3DIEBench", "datasets such as ImageNet".
        nxt = _list_opened(doc, c + 1)
        if nxt == c + 1 and nxt < len(doc):
            if (doc[nxt].text == "," and _comma_names(doc, name, c, chunks)) or doc[nxt].lower_ in NAMING_WORDS:
                nxt += 1
        if nxt > c + 1:
            add(list_starting_at(doc, name, nxt), conf.after_cue)
        elif not chunks:  # "benchmark BrainHub", "video dataset FaceForensics", 'dataset "LUPerson-T"'
            quoted = nxt + 1 < len(doc) and doc[nxt].text in _OPENING_QUOTES
            add(list_starting_at(doc, name, nxt + quoted)[:1], conf.after_cue)
        # Apposition before: "FolkDB, a high-quality Chinese traditional music dataset".
        add(_apposition_before(doc, name, c), conf.apposition)

    # "evaluated on X and Y", "experiments on UCF101 and HMDB51" (no cue noun after the list).
    for on_i in [i for i, h in enumerate(lower_ids) if h in _ON_IDS and i > 0]:
        # a reported value makes what it is reported on a dataset: "84.7 mIoU on S4", "82.39%
        # top-1 accuracy on ImageNet", "76.73% on Cifar-100"
        triggered = any(h in _TRIGGER_IDS for h in lower_ids[max(0, on_i - 4) : on_i]) or _value_before(doc, on_i)
        # "improve robustness on CityScapes-C by 2.4% and ACDC by 3.1%": a gain measured on each
        # ("improves on T5 by 2 points" is a gain over T5)
        by_value = lower_ids[on_i - 1] not in _IMPROVE_IDS and _BY_ID in lower_ids[on_i + 2 : on_i + 8]
        if not triggered and not by_value:
            continue
        start = on_i + 1
        if start < len(doc) and lower_ids[start] == _THE_ID:
            start += 1
        chunks = list_starting_at(doc, name, start)
        after = chunks[-1][1] if chunks else start
        if by_value and chunks and _value_by(doc, after):
            chunks += _more_by_values(doc, name, after)
        elif not triggered:
            continue
        if after < len(doc) and doc[after].lower_ in CUES | {"benchmark", "evaluation"}:
            continue  # the cue loop has it
        if after < len(doc) and doc[after].lower_ in GENERIC_HEADS:
            continue  # "on HQ data", "on XMC tasks": a kind of data, not a name
        if _SPEEDUP.search(doc[max(0, on_i - 4) : on_i].text):
            continue  # "1.93times acceleration are achieved on OpenSora": a speed-up is a model's
        if any(_overlaps(lexicon.get("Method", set()), s, e) for s, e in chunks):
            continue  # "experiments on PixArt-alpha, OpenSora, and DiT": a list of models
        chunks = [
            (s, e)
            for s, e in chunks
            if not _overlaps(others, s, e)
            and not MODEL_SIZE.search(doc[s:e].text)
            and not is_hardware(doc[s:e].text)
            and not is_metric_name(doc[s:e].text)  # "9% gains on NDCG@10 on TREC DL 2019"
        ]
        # One chunk with a digit or a lexicon hit vouches for its list ("MMLU, Hellaswag, and ARC"),
        # and so does a count of more of them: "on Tencent and five public datasets".
        if not any(_has_digit(doc, s, e) or _overlaps(known, s, e) for s, e in chunks) and not _more_of_them(
            doc, after
        ):
            chunks = [(s, e) for s, e in chunks if _mixed_case(doc, s, e)]
        add(chunks, conf.evaluated_on)
    return sorted((s, e, c) for (s, e), c in found.items())


def find_metric_mentions(doc: Doc, conf: CueConfidences = CUE_CONFIDENCES) -> list[Mention]:
    """(start_char, end_char, confidence) of metric names a "metric(s)" cue lists or apposes:
    names the lexicons do not know (a new metric, a learned scorer) that the NER would call
    Methods."""
    if "metric" not in text_of(doc).lower():
        return []
    lexicon = _lexicon_tokens(doc)
    others = lexicon.get("Method", set()) | lexicon.get("Dataset", set())
    name = NameFlags(doc, is_title_cased(text_of(doc)), lexicon.get("Metric", set()))
    found: dict[tuple[int, int], float] = {}
    lower_ids = doc.to_array(LOWER).tolist()
    for c in [i for i, h in enumerate(lower_ids) if h in _METRIC_CUE_IDS]:
        if doc[c].text[0].isupper():
            continue  # "Metric" in a title or a name: "Metric3D"
        listed: list[tuple[tuple[int, int], float]] = []
        left = list_ending_at(doc, name, c)
        if len(left) > 1:  # "the FID and IS metrics": one capitalised word before is too weak
            listed += [(chunk, conf.before_cue) for chunk in left]
        nxt = _list_opened(doc, c + 1)
        if nxt > c + 1:
            listed += [(chunk, conf.after_cue) for chunk in list_starting_at(doc, name, nxt)]
        listed += [(chunk, conf.apposition) for chunk in _apposition_before(doc, name, c)]
        for chunk, confidence in listed:
            if not _overlaps(others, *chunk):
                _keep(found, doc, [chunk], confidence)
    return sorted((s, e, c) for (s, e), c in found.items())


def _keep(found: dict[tuple[int, int], float], doc: Doc, chunks: list[tuple[int, int]], confidence: float) -> None:
    """Record token spans as character spans, each at the highest confidence any cue gave it."""
    for start, end in chunks:
        first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        pair = _SLASHED_PAIR.fullmatch(text_of(doc), first, last)
        # "the AudioCap/Clotho datasets": two names; "CIFAR-10/100" stays one
        spans = [pair.span(1), pair.span(2)] if pair else [(first, last)]
        for span in spans:
            found[span] = max(found.get(span, 0.0), confidence)


def _list_opened(doc: Doc, i: int) -> int:
    """Past the words at token ``i`` that open a list after a cue, if any: "datasets (CC-3M, …)",
    "metrics such as BLEU", "benchmarks like MMLU" (else ``i``)."""
    if i < len(doc) and doc[i].text == "(":
        return i + 1
    if i + 1 < len(doc) and doc[i].lower_ == "such" and doc[i + 1].lower_ == "as":
        return i + 2
    if i < len(doc) and doc[i].lower_ in LIST_OPENERS:
        return i + 1
    return i


def _more_of_them(doc: Doc, i: int) -> bool:
    """Tokens from ``i`` read "and five (other) (public) datasets": the list before is of the kind."""
    if i + 2 >= len(doc) or doc[i].lower_ not in ("and", "plus") or not doc[i + 1].like_num:
        return False
    return any(doc[j].lower_ in PLURAL_CUES for j in range(i + 2, min(i + 6, len(doc))))


def _lexicon_tokens(doc: Doc) -> dict[str, set[int]]:
    """Token indices inside kg_lexicon candidates, by label."""
    by_label: dict[str, set[int]] = {}
    for c in candidates(doc):
        if c["extractor"] == "kg_lexicon":
            span = doc.char_span(c["start"], c["end"], alignment_mode="expand")
            if span is not None:
                by_label.setdefault(c["label"], set()).update(range(span.start, span.end))
    return by_label


def _comma_names(doc: Doc, name: NameFlags, cue: int, left: list[tuple[int, int]]) -> bool:
    """ "a new benchmark, X" names X; not after a name on the left ("On the GLUE benchmark, MaxPoNet
    achieves"), nor a clause's subject ("On a new benchmark, XYZ achieves")."""
    if left or cue == 0 or name[cue - 1]:
        return False
    after = list_starting_at(doc, name, cue + 2)
    return not after or not claim_verb_after(text_of(doc), doc[after[-1][1] - 1].idx + len(doc[after[-1][1] - 1]))


def _apposition_before(doc: Doc, name: NameFlags, cue: int) -> list[tuple[int, int]]:
    """ "X, a/the … dataset": at most twelve tokens between the article and the cue (hyphens
    are tokens); a comma between two of its adjectives is part of it ("Inter4K, a novel
    high-quality, high frame-rate video dataset"), a comma before a name is a list's."""
    for det in range(cue - 1, max(0, cue - 14), -1):
        if doc[det].lower_ in ("a", "an", "the") and det >= 2 and doc[det - 1].text == ",":
            chunks = list_ending_at(doc, name, det - 1)
            return chunks[-1:]
        if doc[det].text == "," and doc[det + 1].is_lower and doc[det + 1].lower_ not in ("and", "or"):
            continue
        if doc[det].is_punct and doc[det].text != "-":
            return []
    return []


def _value_before(doc: Doc, on_i: int) -> bool:
    """A number (with its unit or a metric's name between) ends within three words before "on"."""
    for k in range(on_i - 1, max(-1, on_i - 4), -1):
        token = doc[k]
        if token.is_punct and token.text != "%" or token.lower_ in STOP_WORDS:
            return False
        if token.like_num or (any(c.isdigit() for c in token.text) and token.text[-1] in "%x×"):
            return True
    return False


def _value_by(doc: Doc, i: int) -> int:
    """The token after "by <value>" starting at token ``i`` ("by 2.4%", "by 3.1 points"), else 0."""
    if i + 1 >= len(doc) or doc[i].lower_ != "by":
        return 0
    value = doc[i + 1]
    if not (value.like_num or VALUE_TOKEN.fullmatch(value.text)):
        return 0
    k = i + 2
    while k < len(doc) and (doc[k].text == "%" or doc[k].lower_ in ("points", "pp", "x", "×")):
        k += 1
    return k


def _more_by_values(doc: Doc, name: NameFlags, i: int) -> list[tuple[int, int]]:
    """After "on X by 2.4%" at token ``i``, the names of "and Y by 3.1%", ", Y by 1%" …"""
    more: list[tuple[int, int]] = []
    while (k := _value_by(doc, i)) and k < len(doc) and doc[k].text in LIST_JOINERS:
        while k < len(doc) and doc[k].text in LIST_JOINERS:
            k += 1
        end = chunk_end(doc, name, k)
        if end == k or not _value_by(doc, end):
            break
        more.append((k, end))
        i = end
    return more


def _has_digit(doc: Doc, start: int, end: int) -> bool:
    return any(c.isdigit() for c in doc[start:end].text)


def _mixed_case(doc: Doc, start: int, end: int) -> bool:
    return any(sum(c.isupper() for c in t.text) >= 2 for t in doc[start:end])


def _overlaps(tokens: set[int], start: int, end: int) -> bool:
    return any(i in tokens for i in range(start, end))


# It reads kg_lexicon's candidates (known names vouch for a list), so it comes after kg_lexicon.
@rule_component(
    EXTRACTOR,
    priority=3,
    default_config={"confidences": asdict(CUE_CONFIDENCES)},
    assigns=["doc._.kg_candidates"],
    requires=["doc._.kg_candidates"],
)
def make_dataset_cues(nlp: Language, name: str, confidences: dict[str, float]) -> DatasetCues:
    return DatasetCues(CueConfidences(**confidences))


class DatasetCues:
    def __init__(self, confidences: CueConfidences = CUE_CONFIDENCES) -> None:
        self.confidences = confidences

    def __call__(self, doc: Doc) -> Doc:
        for start, end, confidence in find_dataset_mentions(doc, self.confidences):
            add_candidate(doc, start, end, "Dataset", EXTRACTOR, confidence)
        for start, end in find_language_pairs(text_of(doc)):
            add_candidate(doc, start, end, "Dataset", EXTRACTOR, self.confidences.before_cue)
        for start, end, confidence in find_metric_mentions(doc, self.confidences):
            add_candidate(doc, start, end, "Metric", EXTRACTOR, confidence)
        return doc
