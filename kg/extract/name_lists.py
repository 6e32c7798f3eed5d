"""Lists of names read on a tokenized Doc: "X, Y, and Z", "NYUD-v2 and AVSBench-semantic", the
run of tokens a cue word such as "datasets" or "metrics" stands next to (kg/extract/dataset_cues.py).

A name is a run of tokens that are capitalized (not sentence-initial, not in a title-cased
title), carry a digit, or lie inside a candidate the caller already trusts (``known``: the
lexicon's). The flags are computed token by token on demand: Token objects are costly.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Token

from kg.data import read_json

# "VQA" is a kind of task, "VQA v2.0" a dataset (the word list is dataset_cues.json's)
DOMAIN_WORDS = set(read_json("dataset_cues.json")["domain_words"])
LIST_JOINERS = {",", "and", "or", "&"}
SENTENCE_END = {".", "!", "?", ":", ";"}
VALUE_TOKEN = re.compile(r"[~≈]?\d+(?:\.\d+)?(?:x|×|%|k|K|pp|ms|s)")
_VERSION = re.compile(r"v\d+(?:\.\d+)*")
_RESOLUTION = re.compile(r"\d+×\d+")


def is_title_cased(text: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in STOP_WORDS]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) / len(words) > 0.6


class NameFlags:
    """``name[i]``: is token i part of a name? Computed on demand: Token objects are costly."""

    def __init__(self, doc: Doc, title_case: bool, known: set[int]) -> None:
        self.doc, self.title_case, self.known = doc, title_case, known
        self.cache: dict[int, bool] = {}

    def __getitem__(self, i: int) -> bool:
        flag = self.cache.get(i)
        if flag is None:
            flag = self.cache[i] = is_name_token(self.doc[i], self.title_case, self.known)
        return flag


def is_name_token(token: Token, title_case: bool, known: set[int]) -> bool:
    text = token.text
    if token.i in known:
        return True
    if text in DOMAIN_WORDS:  # "VQA" is a kind of task, "VQA v2.0" a dataset
        return token.i + 1 < len(token.doc) and _VERSION.fullmatch(token.nbor().text) is not None
    if len(text) > 2 and text[:-1].isupper() and text.endswith("s") and not _hyphen_after(token):
        return False  # "LLMs", "VLMs": a kind of model, not a name ("LMMs-Eval" is one)
    has_digit = any(c.isdigit() for c in text)
    if has_digit and VALUE_TOKEN.fullmatch(text):
        return False  # "2x", "10K": a value, not a name
    if has_digit:  # "COCO 2017", "256x256"; "256×256" too, as the resolution of a name before it
        return any(c.isalpha() for c in text) or (_RESOLUTION.fullmatch(text) is not None and token.i > 0)
    if not any(c.isupper() for c in text) or token.lower_ in STOP_WORDS:
        return False
    if text[0].isupper() and text[1:].islower():  # "Extensive", "Split": capitalized word
        return not sentence_initial(token) and not title_case
    return True  # acronyms and mixed case: "DARN", "FashionAI"


def sentence_initial(token: Token) -> bool:
    """The first word of its Doc or after a sentence's end (no sentencizer needed)."""
    return token.i == 0 or token.nbor(-1).text in SENTENCE_END


def _hyphen_after(token: Token) -> bool:
    doc = token.doc
    return token.i + 2 < len(doc) and not token.whitespace_ and doc[token.i + 1].text == "-"


def chunk_end(doc: Doc, name: NameFlags, i: int) -> int:
    """End of the name that starts at token ``i`` (``i`` if none): name tokens, spaced or glued
    by a hyphen/slash ("Split ImageNet-R", "AVSBench-semantic"), and version numbers after a
    name ("LogiQA 2.0")."""
    if i >= len(doc) or not name[i]:
        return i
    j = i + 1
    while j < len(doc):
        prev = doc[j - 1]
        if (
            doc[j].text in ("-", "/")
            and not prev.whitespace_
            and j + 1 < len(doc)
            and not doc[j].whitespace_
            and doc[j + 1].is_alpha | name[j + 1]
        ):
            j += 2
        elif name[j] or (doc[j].like_num and not doc[j].text.startswith("(")):
            j += 1
        else:
            break
    return j


def list_starting_at(doc: Doc, name: NameFlags, i: int) -> list[tuple[int, int]]:
    chunks: list[tuple[int, int]] = []
    while True:
        end = chunk_end(doc, name, i)
        if end == i:
            return chunks
        chunks.append((i, end))
        k = end
        while k < len(doc) and doc[k].text in LIST_JOINERS:
            k += 1
        if k == end:
            return chunks
        i = k


def list_ending_at(doc: Doc, name: NameFlags, end: int) -> list[tuple[int, int]]:
    """Names joined by commas/and/or whose last one ends right before token ``end``."""
    chunks: list[tuple[int, int]] = []
    while end > 0:
        start = end
        if (
            end >= 3
            and doc[end - 1].text.isalpha()
            and doc[end - 1].text.islower()
            and doc[end - 2].text in ("-", "/")
            and not doc[end - 3].whitespace_
            and not doc[end - 2].whitespace_
            and name[end - 3]
        ):
            start = end - 2  # "AVSBench-semantic": a lowercase part glued to a name
        while start > 0 and chunk_end(doc, name, start - 1) >= end:
            start -= 1
        if start == end or not name[start]:
            break
        while (
            start >= 2
            and doc[start - 1].text in ("-", "/")
            and not doc[start - 1].whitespace_
            and not doc[start - 2].whitespace_
            and doc[start - 2].is_alpha | name[start - 2]
        ):
            start -= 2  # "NYUD-v2", "CodeTask-CL": the glued head belongs to the name
        chunks.insert(0, (start, end))
        k = start
        while k > 0 and doc[k - 1].text in LIST_JOINERS:
            k -= 1
        if k == start:
            break
        end = before_parenthesis(doc, k)
    return chunks


def before_parenthesis(doc: Doc, end: int) -> int:
    """Where a parenthesis that closes right before token ``end`` opens (``end`` if none): a
    name's results or abbreviation stand between it and the list or cue ("X (…) and Y (…)")."""
    if end == 0 or doc[end - 1].text != ")":
        return end
    for k in range(end - 2, max(-1, end - 30), -1):
        if doc[k].text == "(":
            return k
        if doc[k].text == ")":  # nested: not worth guessing
            return end
    return end
