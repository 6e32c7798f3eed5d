"""Names that look like names: "FuseChat", "Spikformer", "Llama-2", "fMRI-PTE", "Mind-Vis".

Methods in ML abstracts are mostly coined words. A word with inner capitals or with letters and
digits, or a capitalised word in mid-sentence that is not an English word, is very likely the
name of a model or method; the statistical NER (trained on older SciERC abstracts) misses many.
Typed Method here; sharper extractors (lexicon, dataset cues, acronym definitions) win overlaps
in the assembler, so "ImageNet" stays a Dataset.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.data import read_term_list
from kg.extract.candidates import add_candidate, text_of
from kg.extract.languages import is_language_pair
from kg.extract.registry import rule_component

# one "word" as written, hyphen compounds included: "Mixture-of-Mamba", "Max-ResNet-18", "β-VAE"
_WORD = re.compile(r"(?<![\w$/.@-])[^\W_][\w'.+-]*[\w+]|(?<![\w$/.@-])[^\W\d_]")
# "DeiT-B/ResMLP-B24": a name after a slash that joins two names (not a URL path: no "." or ":")
_AFTER_SLASH = re.compile(r"(?<=[\w-]/)[^\W_][\w'.+-]*[\w+]")
# A run of non-space text with a slash; group 1: before it. Each match starts a run (the one
# before it took the rest of its run), so the look-behind only spares the scan the tries inside words.
_SLASHED = re.compile(r"(?<!\S)([^\s/]*)/\S*")
_URL_LIKE = re.compile(r"[.:@]")
_INNER_CAP = re.compile(r"^[^\W\d_]*[a-z][^\W\d_]*[A-Z]")  # FuseChat, fMRI, EssenceBench
_UNITS = re.compile(r"^\d+(?:\.\d+)?(?:[kKmMbBgGtTpP][bB]?|[xX]|D|d|th|st|nd|rd|px|ms|s|h|%|FLOPs?|GPUs?)?$")
# A sentence glued to the next ("pairs.F1 scores", "framework.The"): the name, if any, starts after the period
_GLUED_START = re.compile(r"[a-z]{2,}\.(?=[A-Z])")
_OPENERS = frozenset('.!?:("“')  # after these a capital is sentence-initial, not a name
# "(2) Aggregating the layer dynamics", "ii) Training": a list item starts like a sentence
_ENUMERATOR = re.compile(r"(?:^|[\s(;,])(?:\d{1,2}|[ivx]{1,4}|[a-h])\)$")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    return frozenset(
        w.lower() for name in ("common_words.txt", "capitalized_non_names.txt") for w in read_term_list(name)
    )


def _name_score(word: str, sentence_initial: bool, in_title_case: bool) -> float:
    core = word.strip("'.")
    if len(core) < 3 or _UNITS.match(core) or core.lower() in common_words():
        return 0.0
    parts = [p for p in re.split(r"[-+]", core) if p]
    has_alpha = any(c.isalpha() for c in core)
    has_digit = any(c.isdigit() for c in core)
    if not has_alpha:
        return 0.0
    if len(parts) > 1 and is_language_pair(core):
        return 0.0  # "Turkish-English": a translation direction (kg/extract/languages.py)
    if len(parts) > 1 and parts[-1].islower() and parts[-1] in common_words():
        return 0.0  # "Transformer-based", "CLIP-like": a word built on a name, not a name
    if core.isupper() and len(core.replace("-", "")) <= 5 and not has_digit:
        return 0.0  # short all-caps acronyms: left to the acronym definitions and the lexicon
    if any(_INNER_CAP.match(p) for p in parts) or (has_digit and any(c.isupper() for c in core)):
        return 0.6
    if (
        len(parts) == 2
        and any(len(q) == 1 and q.isalpha() for q in parts)
        and any(len(q) >= 2 and q.isupper() for q in parts)
    ):
        return 0.55  # "β-VAE", "k-WL", "t-SNE": a variable glued to an acronym
    if in_title_case:
        return 0.0  # "Multi-Modal Representation Learning": every word is capitalised
    if "-" in core and sum(p[:1].isupper() for p in parts) >= 2:
        return 0.55  # "Mind-Vis", "Mixture-of-Mamba"
    if core[0].isupper() and not sentence_initial and core[1:].islower():
        return 0.55  # "Transfusion", "Spikformer", "Learngene" in mid-sentence
    return 0.0


def _start(m: re.Match[str]) -> int:
    return m.start()


def find_names(text: str) -> list[tuple[int, int, float]]:
    words = list(_WORD.finditer(text))
    if "/" in text:  # most texts have none, and _SLASHED's scan is dear
        n = len(words)
        for chunk in _SLASHED.finditer(text):
            if not _URL_LIKE.search(chunk.group(1)):  # "github.com/…", "https://…": a link, not names
                words.extend(_AFTER_SLASH.finditer(text, chunk.start(), chunk.end()))
        if len(words) > n:  # _WORD's own matches come in order
            words.sort(key=_start)
    written = [m.group(0) for m in words]
    capital = [w[:1].isupper() for w in written]
    title_case = len(words) > 2 and sum(capital) >= 0.6 * len(words)
    out = []
    for i, m in enumerate(words):
        word = written[i].rstrip(".'")
        if word.islower():  # no capital, no name (every rule below needs one); most words
            continue
        glued = _GLUED_START.match(word)
        start = m.start() + (glued.end() if glued else 0)
        word = word[glued.end() :] if glued else word
        j = start - 1  # the last non-space character before the word (no prefix copies)
        while j >= 0 and text[j].isspace():
            j -= 1
        initial = j < 0 or text[j] in _OPENERS or _ENUMERATOR.search(text, max(0, j - 5), j + 1) is not None
        # a word inside a run of capitalised words belongs to a Title-Case phrase, not a name
        in_phrase = (i > 0 and capital[i - 1] and not initial) or (i + 1 < len(words) and capital[i + 1])
        score = _name_score(word, initial, title_case or in_phrase)
        if score:
            out.append((start, start + len(word), score))
    return out


@rule_component("kg_names", priority=7, default_config={"confidence_scale": 1.0}, assigns=["doc._.kg_candidates"])
def make_names(nlp: Language, name: str, confidence_scale: float):
    def kg_names(doc: Doc) -> Doc:
        for start, end, score in find_names(text_of(doc)):
            add_candidate(doc, start, end, "Method", name, round(score * confidence_scale, 3))
        return doc

    return kg_names
