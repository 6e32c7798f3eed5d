"""What the paper itself introduces: "we propose X", "we introduce X, a …", "called X",
"method: X", and the title prefix "X: …".

Only name-like strings count (an acronym, a CamelCase or digit-bearing token, or a capitalised
word in a naming context), so "we propose a novel method" yields nothing; a defined acronym in
the object of "we propose" ("a novel Multi-Modal Representation Learning (MMRL) framework") is
picked up by the assembler from the abbreviation component.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from spacy.lang.en.stop_words import STOP_WORDS as SPACY_STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidates import add_candidate, text_of
from kg.extract.names import common_words
from kg.extract.registry import rule_component
from kg.extract.subjects import claim_verb_after

# A name: letters/digits with internal capitals, digits, hyphens, LaTeX ($^2$), dots (Dr.LLM).
_NAME = r"(?:[A-Za-z0-9][\w$^{}\\.+'-]*[\w$}+]|[A-Z][a-z]?)"
_NAME_SEQ = rf"{_NAME}(?:\s{_NAME}){{0,2}}"
_NAMING = re.compile(
    rf"\b(?:called|named|dubbed|termed|coined|term\s+(?:it|this\s+\w+|our\s+\w+))\s+(?P<name>{_NAME_SEQ})"
)
# "We propose", "This paper introduces", "Here, we present": the paper's own contribution
# follows. The one statement of it, for the name rule below and grouping.mark_proposed_objects.
PROPOSE_SUBJECT = r"\b(?:[Ww]e|[Tt]his\s+(?:paper|work)|[Hh]ere,?\s+we)\s+"
PROPOSE_VERBS = r"(?:propose|introduce|present|develop|design)s?\b"
PROPOSE_VERB = rf"{PROPOSE_SUBJECT}(?:\w+\s+)?{PROPOSE_VERBS}"
# Only directly before a name do verbs of making count: "we release X," names X, while the first
# method after "we build on …" or "we create a …" is not the paper's own ("Transformer").
_MAKE_VERBS = r"(?:release|build|create)s?"
_PROPOSE = re.compile(
    rf"{PROPOSE_SUBJECT}(?:first\s+|also\s+|further\s+)?(?:{PROPOSE_VERBS}|{_MAKE_VERBS})\s+(?P<name>{_NAME_SEQ})(?=\s*[,:(]|\s+(?:as|which|that|to|for)\b)"
)
_COLON_NAME = re.compile(
    rf"\b(?P<noun>method|model|framework|approach|architecture|algorithm|dataset|benchmark|"
    rf"technique|strategy|module|network|system|pipeline|corpus|suite)s?\s*(?P<sep>[:,])\s+(?P<name>{_NAME})(?=[\s.,;]|$)"
)
_NEXT_CAPITALISED = re.compile(r"\s([A-Z][\w-]*\w)")
_JOINED_BEFORE_SHORT_FORM = re.compile(r"(\s(?:with|of|for|via|in|on|from|to)(?:\s[A-Z][\w-]*\w){1,3})\s\(")
_DATASET_NOUN = re.compile(r"\b(dataset|benchmark|corpus|suite|test ?bed)s?\b", re.IGNORECASE)
# "we introduce an innovative adaptive inter-frame consistency loss": the paper's own unnamed
# contribution, which the gold guidelines count as a proposed Method, written with its head noun
_UNNAMED_HEADS = (
    # not "framework", "approach", "architecture": "a novel pretraining framework" only describes
    r"module|loss|strategy|mechanism|method|algorithm|network|block|layer|objective|regularizer|"
    r"scheme|technique|encoder|decoder|optimizer|attention|term|generator|predictor|discriminator|"
    r"sampler|operator|operation|head|component|bank|memory"
)
_UNNAMED = re.compile(
    rf"{PROPOSE_SUBJECT}(?:first\s+|also\s+|further\s+|then\s+|\w+ly\s+)?(?:{PROPOSE_VERBS}|devise[sd]?|customi[sz]e[sd]?)\s+an?\s+"
    rf"(?P<np>(?:[a-z][\w-]*\s+){{1,5}}(?:{_UNNAMED_HEADS}))(?![\w-])"
    # and in the passive: "a regularization term is introduced", "a decoupling strategy is employed"
    rf"|\b[Aa]n?\s+(?P<np2>(?:[a-z][\w-]*\s+){{1,5}}(?:{_UNNAMED_HEADS}))\s+is\s+(?:also\s+|further\s+|then\s+)?"
    r"(?:proposed|introduced|designed|developed|presented|employed|devised)\b"
)
# evaluative words are not part of the contribution's name: "a novel, simple yet effective …"
_EVALUATIVE = frozenset(
    "novel new simple effective efficient innovative lightweight general generic unified principled "
    "yet and powerful flexible straightforward elegant robust scalable practical versatile".split()
)
_TITLE_PREFIX = re.compile(r"^(?P<name>[^:]{1,60}?)\s*:\s*\S")
_STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "our",
        "its",
        "their",
        "it",
        "we",
        "two",
        "three",
        "new",
        "novel",
        "simple",
        "both",
        "several",
        "multiple",
    }
)


@dataclass(frozen=True)
class Proposal:
    start: int
    end: int
    type: str  # Method or Dataset
    confidence: float


def is_name_like(s: str) -> bool:
    """An acronym, CamelCase, or a token with digits/LaTeX: not an ordinary word."""
    words = s.split()
    if not words or words[0].lower() in _STOP_WORDS:
        return False
    w = words[0]
    inner_caps = any(c.isupper() for c in w[1:])
    return inner_caps or any(c.isdigit() for c in w) or "$" in w or (w.isupper() and len(w) > 1)


def _is_capitalised_name(s: str) -> bool:
    w = s.split()[0]
    return w[:1].isupper() and w.lower() not in _STOP_WORDS


_PREP = re.compile(r"\s(?:for|with|of|on|in|via|to|from|towards|through|by)\s", re.IGNORECASE)


def _title_type(rest: str) -> str:
    """Dataset when the title after "X:" is headed by dataset/benchmark/corpus: "MMLU-Pro: A More
    Robust … Benchmark", not "AnchorAL: … Active Learning for … Datasets"."""
    head = _PREP.split(rest, maxsplit=1)[0].strip().rstrip(".")
    last = head.split()[-1] if head.split() else ""
    return "Dataset" if _DATASET_NOUN.fullmatch(last.lower()) else "Method"


# "Inter4K, a novel high-quality, high frame-rate video dataset": an apposition whose commas
# join adjectives ("OpenMixup, the first mixup augmentation codebase, and benchmark" is a list)
_CALLED_DATASET = re.compile(
    r",\s*(?:a|an|the)\s+(?:[\w-]+(?:,(?!\s*(?:and|or)\b))?\s+){0,9}?"
    r"(?:dataset|benchmark|corpus|suite|test ?bed)s?\b",
    re.IGNORECASE,
)


def _type_after(text: str, end: int) -> str:
    """Dataset when the name is directly called one: "X, a new benchmark", "X dataset"."""
    if _DATASET_NOUN.search(text[end : end + 25].split(".")[0]) or _CALLED_DATASET.match(text, end):
        return "Dataset"
    return "Method"


@dataclass(frozen=True)
class ProposalConfidences:
    """How sure each pattern makes a proposal (kg_proposals' default_config)."""

    title_name: float = 0.9  # "Janus: …" (name-like); below this a title prefix needs the abstract
    title_word: float = 0.75  # "Towards: …" (a capitalised word): kept only if the abstract repeats it
    naming: float = 0.85  # "we call it X", "dubbed X"
    propose: float = 0.85  # "we propose X"
    colon_name: float = 0.8  # "X: a new benchmark"
    unnamed: float = 0.6  # "we propose a progressive initialization strategy"


PROPOSAL_CONFIDENCES = ProposalConfidences()


def find_proposals(
    text: str, *, title: bool = False, conf: ProposalConfidences = PROPOSAL_CONFIDENCES
) -> list[Proposal]:
    out: list[Proposal] = []
    if title:
        m = _TITLE_PREFIX.match(text)
        if m:
            name = m.group("name").strip()
            words = name.split()
            if len(words) <= 3 and is_name_like(name) or (len(words) == 1 and _is_capitalised_name(name)):
                c = conf.title_name if is_name_like(name) else conf.title_word
                typ = _title_type(text[m.end() - 1 :])
                out.append(Proposal(0, len(name), typ, c))
        return out
    for m in _NAMING.finditer(text):
        name = m.group("name")
        if is_name_like(name) or _is_capitalised_name(name):
            out.append(
                Proposal(
                    m.start("name"), m.start("name") + len(_first_name(name)), _type_after(text, m.end()), conf.naming
                )
            )
    for m in _PROPOSE.finditer(text):
        name = m.group("name")
        if is_name_like(name) or _is_capitalised_name(name) and name.split()[0].lower() not in _STOP_WORDS:
            span = _first_name(name)
            out.append(Proposal(m.start("name"), m.start("name") + len(span), _type_after(text, m.end()), conf.propose))
    for m in _COLON_NAME.finditer(text):
        name = m.group("name")
        if m.group("sep") == "," and claim_verb_after(text, m.end("name")):
            continue  # "On the COCO dataset, XYZ achieves …": XYZ is the subject, not the dataset
        if is_name_like(name) or text[m.start("name")].isupper() or any(c.isupper() for c in name):
            typ = "Dataset" if m.group("noun") in ("dataset", "benchmark", "corpus", "suite") else "Method"
            # "Our method, Diversifying Sample Condensation (DISCO)": the whole capitalised name
            end = _capitalised_run_end(text, m.end("name")) if name[0].isupper() else m.end("name")
            if end == m.end("name") and not is_name_like(name) and name.lower() in common_words():
                continue  # "two general techniques: First, our …": an enumeration, not a name
            out.append(Proposal(m.start("name"), end, typ, conf.colon_name))
    for m in _UNNAMED.finditer(text):
        group = "np" if m.group("np") else "np2"
        start, end, words = m.start(group), m.end(group), m.group(group).split()
        while len(words) > 1 and (words[0] in _EVALUATIVE or words[0].endswith("ly")):
            start = text.index(words[1], start + len(words[0]))
            words = words[1:]
        if any(w in SPACY_STOP_WORDS for w in words):
            continue  # "an architecture consisting of two encoders": a description, not a name
        if len(words) >= 2:  # a head alone ("a method") is no name
            out.append(Proposal(start, end, "Method", conf.unnamed))
    return [p for p in out if not _DERIVED.search(text[p.start : p.end])]


# "a ResNet-like architecture", "Transformer-based", "CLIP-style": built after X, not X itself
_DERIVED = re.compile(r"-(?:like|based|style|inspired|alike)$", re.IGNORECASE)


def _capitalised_run_end(text: str, end: int, most: int = 4) -> int:
    """The end of a capitalised name's other words after its first ("Sample Condensation"), over
    a joining word only where a short form follows ("Prompt Pooling with Teacher Forcing (PP-TF)")."""
    for _ in range(most):
        m = _NEXT_CAPITALISED.match(text, end)
        if m is None or m.group(1).lower() in SPACY_STOP_WORDS:
            joined = _JOINED_BEFORE_SHORT_FORM.match(text, end)
            return joined.end(1) if joined else end
        end = m.end()
    return end


def _first_name(seq: str) -> str:
    """Of "Janus an", "MMRL framework": keep the name-like words, stop at an ordinary word."""
    words = seq.split()
    kept = [words[0]]
    for w in words[1:]:
        if _DERIVED.search(kept[-1]):
            break
        if is_name_like(w) or (w[:1].isupper() and w.lower() not in _STOP_WORDS):
            kept.append(w)
        else:
            break
    return " ".join(kept)


if not Doc.has_extension("kg_field"):
    # "title" on a title's Doc (the Extractor sets it): the title-prefix rule applies there
    Doc.set_extension("kg_field", default=None)


@rule_component(
    "kg_proposals",
    priority=4,
    default_config={"title": False, "confidences": asdict(PROPOSAL_CONFIDENCES)},
    assigns=["doc._.kg_candidates"],
)
def make_proposals(nlp: Language, name: str, title: bool, confidences: dict[str, float]):
    """Marks proposed Methods/Datasets. On a title (``doc._.kg_field == "title"``, or every Doc
    with ``title=True``) also the prefix "X: …"; a plain-word prefix ("Towards Better
    Alignment:") is a name only if the abstract uses it too, which the paper-level resolution
    checks (``confirm_in``)."""

    conf = ProposalConfidences(**confidences)

    def kg_proposals(doc: Doc) -> Doc:
        text = text_of(doc)
        for p in find_proposals(text, conf=conf):
            add_candidate(doc, p.start, p.end, p.type, name, p.confidence, proposed=True)
        if title or doc._.kg_field == "title":
            for p in find_proposals(text, title=True, conf=conf):
                support = {} if p.confidence >= conf.title_name else {"confirm_in": "abstract"}
                add_candidate(doc, p.start, p.end, p.type, name, p.confidence, proposed=True, **support)
        return doc

    return kg_proposals
