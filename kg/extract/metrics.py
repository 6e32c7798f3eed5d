"""Recognise metric names in text when no Metric mention covers them.

Two sources: a deliberately short built-in list of the metrics ML abstracts report most (so the
results rule works with no data files), and the Metric entries of the generated lexicons in
kg/data/lexicons/*.jsonl when that package is installed. Both only ever return spans of the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from kg.data import read_term_list
from kg.extract.lexicon import packaged_entries

__all__ = [
    "find_cost_metrics",
    "find_metric_names",
    "lexicon_metric_names",
    "metric_phrase_after",
    "metric_phrase_before",
]

# The names live in kg/data: one regular-expression alternative a line. Acronyms are
# case-sensitive ("IS", "AP", "EM" only count in capitals, never as English words), words not.
_ACRONYMS = "|".join(read_term_list("metric_acronyms.txt"))
_WORDS = "|".join(read_term_list("metric_words.txt"))
_METRIC = re.compile(
    rf"(?<![\w\-@])(?:(?P<acronym>{_ACRONYMS})|(?i:{_WORDS}))(?![\w\-@]|\.\d)",
    re.VERBOSE,
)
# The same two halves apart, for speed: the case-insensitive word alternation is the dear part,
# and matched case-sensitively on the lowercased text it costs half. That is exact only for ASCII
# text (lowercasing keeps every offset, and no letter outside ASCII folds onto one inside) and a
# pattern with no capitals to fold (no "\W" or "[A-Z]"); otherwise _METRIC runs as written.
_METRIC_ACRONYM = re.compile(rf"(?<![\w\-@])(?:{_ACRONYMS})(?![\w\-@]|\.\d)", re.VERBOSE)
_METRIC_WORD = (
    re.compile(rf"(?<![\w\-@])(?:{_WORDS})(?![\w\-@]|\.\d)", re.VERBOSE) if _WORDS == _WORDS.lower() else None
)
# Generic words a noisy lexicon might list as metrics; never a metric on their own here.
_TOO_GENERIC = frozenset(read_term_list("metric_too_generic.txt"))
_LEXICON_TOKEN = re.compile(r"\w(?:[\w@&+\-/.]*\w)?")
_MAX_WORDS = 4


@lru_cache(maxsize=1)
def lexicon_metric_names() -> frozenset[str]:
    """Lowercased names and aliases of every Metric in kg.data.lexicons; empty if not installed."""
    try:
        entries = packaged_entries()
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return frozenset()
    names: set[str] = set()
    for entry in entries:
        if entry.type != "Metric":
            continue
        for name in [entry.name, *entry.aliases]:
            if isinstance(name, str) and 2 <= len(name) <= 60:
                key = name.strip().lower()
                if key not in _TOO_GENERIC and len(key.split()) <= _MAX_WORDS:
                    names.add(key)
    return frozenset(names)


def find_metric_names(
    text: str, start: int = 0, end: int | None = None, lexicon: frozenset[str] | None = None
) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of metric names in ``text[start:end]``, in order.

    Longest match wins. ``lexicon`` defaults to :func:`lexicon_metric_names`; short lexicon
    names (< 4 characters) must match case-sensitively-ish: all-lowercase text words never
    match an acronym, so "map" or "is" in prose are not metrics.
    """
    end = len(text) if end is None else end
    # a metric word in capitals is an acronym's name: "SPEED: Scalable, Precise, …", "RECALL"
    spans = _pattern_spans(text, start, end)
    names = lexicon_metric_names() if lexicon is None else lexicon
    if names:
        spans.extend(_lexicon_spans(text, start, end, names))
    return [_qualified(text, start, s, e) for s, e in _longest_first(spans)]


# "+2.6% in Verb ED@20, +3.1% in Noun ED@20": a capitalised word before a metric at a cut-off
# says what it counts, and is part of its name
_QUALIFIER = re.compile(r"(?<![\w-])([A-Z][a-z]+) $")


def _qualified(text: str, start: int, s: int, e: int) -> tuple[int, int]:
    if "@" not in text[s:e]:
        return s, e
    m = _QUALIFIER.search(text, max(start, s - 16), s)
    return (m.start(1), e) if m is not None and m.group(1).lower() not in STOP_WORDS else (s, e)


def _pattern_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """What ``_METRIC.finditer`` finds, less the words in capitals. Split in two, each half's next
    match is kept until the scan passes it: the leftmost wins, the acronym on a tie, as in
    _METRIC's alternation."""
    if _METRIC_WORD is None or not text.isascii():
        return _metric_spans(text, start, end)
    lower = text.lower()
    spans: list[tuple[int, int]] = []
    pos = start
    acronym = _METRIC_ACRONYM.search(text, pos, end)
    word = _METRIC_WORD.search(lower, pos, end)
    while acronym is not None or word is not None:
        if word is None or (acronym is not None and acronym.start() <= word.start()):
            s, e = acronym.span()  # type: ignore[union-attr]
            keep = True
        else:
            s, e = word.span()
            keep = not _shouted(text[s:e])
        if s == e:  # an empty match: finditer's own rules for those, not worth copying here
            return _metric_spans(text, start, end)
        if keep:
            spans.append((s, e))
        pos = e
        if acronym is not None and acronym.start() < pos:
            acronym = _METRIC_ACRONYM.search(text, pos, end)
        if word is not None and word.start() < pos:
            word = _METRIC_WORD.search(lower, pos, end)
    return spans


def _metric_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in _METRIC.finditer(text, start, end) if m.group("acronym") or not _shouted(m.group())]


def _shouted(word: str) -> bool:
    return len(word) >= 4 and word.isupper()


def _lexicon_spans(text: str, start: int, end: int, names: frozenset[str]) -> list[tuple[int, int]]:
    first = _first_tokens(names)
    starts: list[int] | None = None
    if text.isascii():  # then the lowercased text splits as the text does: words only, no spans
        starts = [i for i, w in enumerate(_LEXICON_TOKEN.findall(text.lower(), start, end)) if w in first]
        if not starts:
            return []
    tokens = list(_LEXICON_TOKEN.finditer(text, start, end))  # spans read only where a name starts
    found: list[tuple[int, int]] = []
    for i in range(len(tokens)) if starts is None else starts:
        s = tokens[i].start()
        if starts is None and (word := tokens[i].group()).isascii() and word.lower() not in first:
            continue  # no name starts with this word: most words, and the n-gram tries are dear
        for n in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
            e = tokens[i + n - 1].end()
            surface = text[s:e]
            if surface.lower() in names and not (len(surface) < 4 and surface.islower()):
                found.append((s, e))
                break
    return found


@lru_cache(maxsize=8)
def _first_tokens(names: frozenset[str]) -> frozenset[str]:
    """The first word of each name, as _LEXICON_TOKEN splits it. Only ASCII words are checked
    against it: their lowercase splits as they do."""
    return frozenset(m.group(0) for name in names if (m := _LEXICON_TOKEN.search(name)))


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for s, e in sorted(set(spans), key=lambda p: (p[0], p[0] - p[1])):
        if kept and s < kept[-1][1]:
            continue
        kept.append((s, e))
    return kept


# --- metrics found by pattern, outside the lexicons -------------------------------------------

# A cost the paper reports saving: a metric only where a change word says so ("35%/52% fewer
# parameters", "96% reduction in number of trainable parameters", "27.1 times storage savings",
# "2.5 to 3.7times less decoding compute", "45.5% fewer reasoning steps"); "25x fewer samples"
# names no cost, so no metric.
_COST = (
    r"(?:number\s+of\s+(?:trainable\s+|learnable\s+)?)?(?:(?:trainable|learnable|decoding|training|total"
    r"|inference|model|peak|GPU|activation)\s+){0,2}(?:parameters?|params|MACs|G?FLOPs|memory"
    r"(?:\s+(?:usage|footprint|consumption|cost))?|storage(?:\s+(?:size|cost))?|compute|computations?"
    r"|computational\s+cost|energy(?:\s+consumption)?|KV\s+cache(?:\s+size)?|(?:reasoning|decoding)\s+steps"
    r"|(?:training|inference|running)\s+time)"
)
_COST_AFTER_CHANGE = re.compile(
    rf"\b(?:fewer|less|lower|smaller|(?:reductions?|savings?|decreases?|cuts?)\s+(?:in|of))\s+(?:the\s+)?"
    rf"(?P<m>{_COST})(?![\w-])",
    re.IGNORECASE,
)
_COST_BEFORE_CHANGE = re.compile(rf"(?<![\w-])(?P<m>{_COST})\s+(?:savings?|reductions?)\b", re.IGNORECASE)
# A verb that reduces it ("reducing memory consumption by over 75%", "reduce the space & memory
# footprint of ColBERT indexes by 50%"), or a cost that goes down ("the peak GPU memory decreases
# from 61.47 GB to 42.72 GB"): the number still has to sit where results.py looks for one.
_COST_AFTER_VERB = re.compile(
    rf"\b(?:reduc|decreas|lower|cut|sav|shrink)\w*\s+(?:the\s+|its\s+|their\s+)?(?:[\w&]+\s+){{0,2}}?"
    rf"(?P<m>{_COST})(?![\w-])",
    re.IGNORECASE,
)
_COST_BEFORE_VERB = re.compile(
    rf"(?<![\w-])(?P<m>{_COST})\s+(?:(?:is|are|was|were)\s+)?(?:reduc|decreas|drop|fall|fell|shrink|cut|lower)\w*",
    re.IGNORECASE,
)
# "modifies a mere 2.2% of the model's parameters", "with only 10% of the FLOPs": a share of the
# cost it would have ("80% of the computation is spent on …" is no outcome)
_COST_AS_SHARE = re.compile(
    rf"\b(?:only|mere|merely|just)\s+(?:about\s+|around\s+)?[\d.]+\s*%\s+of\s+"
    rf"(?:the\s+|its\s+|their\s+)?(?:model's\s+|models'\s+)?(?P<m>{_COST})(?![\w-])",
    re.IGNORECASE,
)
_COST_PATTERNS = (_COST_AFTER_CHANGE, _COST_BEFORE_CHANGE, _COST_AFTER_VERB, _COST_BEFORE_VERB, _COST_AS_SHARE)


# Every _COST ends in one of these words: a sentence with none of them names no cost, and the
# patterns' scans are dear.
_COST_NOUN = re.compile(r"param|MACs|FLOP|memory|storage|comput|energy|KV\s+cache|steps|time", re.IGNORECASE)


def find_cost_metrics(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of costs named as reduced ("fewer parameters", "storage savings", "reducing memory
    consumption"), in order."""
    end = len(text) if end is None else end
    if not _COST_NOUN.search(text, start, end):
        return []
    spans = [m.span("m") for pattern in _COST_PATTERNS for m in pattern.finditer(text, start, end)]
    return _longest_first(spans)


# A measure named by its head noun with the words that say what it measures: "35% higher scaling
# rate", "an average Euclidean distance of 0.14", "1.1-2.1x expert forward throughput". Only
# right next to a number (kg/extract/results.py decides where), and never a setting such as a
# learning or dropout rate.
_HEADS = (
    r"rate|score|error|distance|similarity|accuracy|precision|recall|throughput|latency"
    r"|speed-?ups?|acceleration|fidelity|consistency|correlation"
)
# Outcomes a change is reported in ("reduces the communication cost by 15%", "with less than 15%
# communication cost on Tiny-ImageNet"), but also words that modify a noun ("3 high quality
# datasets"): after a value one counts only where its noun phrase ends.
_OUTCOME_HEADS = r"costs?|overhead|robustness|energy|count|alignment|faithfulness|quality|diversity"
_PHRASE_ENDS = (
    r"(?=\s*(?:[,.;:)]|$)|\s+(?:on|in|of|for|at|and|or|with|than|compared|while|by|to|across|over"
    r"|relative|against|versus|vs)\b)"
)
_ALONE = frozenset(
    {"accuracy", "precision", "recall", "throughput", "latency", "speedup", "speed-up", "speedups", "acceleration"}
    # "improve robustness on CityScapes-C by 2.4%": measured, as the gold has it
    | {"robustness"}
)
_SETTING = (
    r"learning|dropout|drop|masking|mask|sampling|warm-?up|decay|label|noise|mixing|teacher"
    r"|forcing|keep|frame|bit|token|pruning|compression|mutation|sparsity"
)
_NOT_MODIFIER = (
    r"the|a|an|and|or|of|in|on|for|with|to|by|at|from|our|its|their|this|that|these"
    r"|which|while|than|as|is|are|was|were|be|been|has|have|it|we|also|only|both"
    r"|achieves?|achieving|reaches|reaching|attains?|obtains?|yields?|shows?|gets?"
    r"|improves?|improving|reduces?|higher|lower|better|worse|new|up|over|about"
    r"|record-high|record-low|highest|lowest"
    rf"|{_SETTING}"
)
_MODIFIER = rf"(?!(?:{_NOT_MODIFIER})\b)[A-Za-z][\w\-]*"
_METRIC_PHRASE_AFTER = re.compile(
    rf"(?:{_MODIFIER}\s+){{0,3}}(?:(?:{_HEADS})(?![\w-])|(?:{_OUTCOME_HEADS})(?![\w-]){_PHRASE_ENDS})"
)
_HEAD = re.compile(rf"(?:{_HEADS}|{_OUTCOME_HEADS})", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][\w\-]*")
_IS_MODIFIER = re.compile(_MODIFIER + "$")


def metric_phrase_after(text: str, pos: int, end: int, times: bool) -> tuple[int, int] | None:
    """A head-noun metric starting at ``pos`` ("scaling rate"); a bare head only if it is one on
    its own ("accuracy"; "speedup", "acceleration" only after an "x" value, ``times``)."""
    m = _METRIC_PHRASE_AFTER.match(text, pos, end)
    return m.span() if m is not None and _specific(m.group(), times) else None


def metric_phrase_before(text: str, start: int, pos: int) -> tuple[int, int] | None:
    """A head-noun metric ending at ``pos`` ("an average Euclidean distance" → its last three
    words): the head and up to three modifiers before it."""
    words = [w.span() for w in _WORD.finditer(text, max(start, pos - 80), pos)]
    if not words or words[-1][1] != pos or not _HEAD.fullmatch(text, *words[-1]):
        return None
    s = words[-1][0]
    for w0, w1 in reversed(words[-4:-1]):
        if text[w1:s].strip() or not _IS_MODIFIER.match(text, w0, w1):
            break
        s = w0
    return (s, pos) if _specific(text[s:pos], False) else None


def _specific(phrase: str, times: bool) -> bool:
    words = phrase.split()
    if len(words) > 1:
        return True
    head = words[0].lower()
    return head in _ALONE and (times or head not in ("speedup", "speed-up", "speedups", "acceleration"))
