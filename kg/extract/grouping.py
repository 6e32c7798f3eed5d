"""From selected mentions to one group per thing in the paper.

Acronym definitions get a type (the other extractors' votes, else the expansion's head noun),
acronyms and proposed names are propagated to their other occurrences, the object of "we
propose …" is marked as the paper's own, and mentions are grouped by (type, canonical key) with
each acronym joined to its expansion.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from kg.extract.judge import type_by_head, type_of_mention
from kg.extract.lexicon import EXTRACTOR as LEXICON
from kg.extract.proposals import PROPOSE_VERB
from kg.extract.sentences import SentenceIndex
from kg.extract.spans import PaperMention, is_generic, overlaps
from kg.model import Paper
from kg.resolve.keys import canonical_key

PROPAGATION = "propagation"  # the extractor name of propagated occurrences
# occurrences of a name that won elsewhere: they tie results to it, and add nothing to its name
# or its confidence (it was found once, however often it is written)
REPEATED = "propagation:kept"
PROPAGATED_CONFIDENCE = 0.85  # at most: another occurrence is as good as the first, up to this
_WORD_AFTER_PAREN = re.compile(r"\s*\)\s+([A-Za-z-]+)")
_PROPOSE_VERB = re.compile(PROPOSE_VERB)
# A coined name: a capital after its first character or a digit ("DDT-XL/2", "ImageNet 512×512")
_COINED = re.compile(r"\w[A-Z]|\d")


@dataclass
class Group:
    type: str
    key: str
    mentions: list[PaperMention] = field(default_factory=list)

    @property
    def name(self) -> str:
        canon = [m.canonical for m in self.mentions if m.canonical]
        if canon:
            return canon[0]
        counts: dict[str, int] = defaultdict(int)
        for m in self.found:
            counts[m.text] += 1
        return max(counts, key=lambda t: (counts[t], len(t), t))

    @property
    def found(self) -> list[PaperMention]:
        return [m for m in self.mentions if m.extractor != REPEATED]

    @property
    def confidence(self) -> float:
        found = self.found
        best = max(m.confidence for m in found)
        extractors = {m.extractor for m in found}
        bonus = 0.05 * (len(extractors) - 1) + (0.05 if len(found) > 1 else 0.0)
        return round(min(0.99, best + bonus), 3)

    def kept(self, min_confidence: float) -> bool:
        """Confident enough, and repeated where every mention asks for it (a lone lowercase
        Method from the NER, kg/extract/judge.py)."""
        found = self.found
        if len(found) == 1 and found[0].needs_repeat:
            return False
        return self.confidence >= min_confidence


def _inside(m: PaperMention, outer: PaperMention) -> bool:
    return (
        m.field == outer.field
        and outer.start <= m.start
        and m.end <= outer.end
        and m.end - m.start < outer.end - outer.start
    )


def type_pairs(
    mentions: list[PaperMention], pairs: list[tuple[PaperMention, PaperMention]], texts: dict[str, str]
) -> list[PaperMention]:
    """Give each acronym definition a type: what another extractor says of either form, else
    the long form's head noun; untypable definitions ("out-of-distribution (OOD)") are dropped."""
    typed: list[PaperMention] = []
    for short, long in pairs:
        votes: dict[str, float] = defaultdict(float)
        for m in mentions:
            if m.yields and _inside(m, long):
                continue  # a general term inside the long form names a part of it, not what it is
            if m.extractor != short.extractor and (overlaps(m, short) or overlaps(m, long)):
                votes[m.type] += 1.0 / (1 + m.priority) + (1.0 if m.proposed else 0.0)
        head = type_by_head(long.text)
        # the expansion's own head noun outweighs any one extractor, but not a lexicon entry that
        # is the whole expansion ("Dataset distillation (DD)": a task, though distilled)
        span = (long.field, long.start, long.end)
        if head and not any(m.extractor == LEXICON and (m.field, m.start, m.end) == span for m in mentions):
            votes[head] += 1.0
        after = _WORD_AFTER_PAREN.match(texts[short.field], short.end)
        named = type_by_head(after.group(1)) if after else None
        if named:
            votes[named] += 1.5  # "… Adaptation (DeLoRA) method": the noun after says what it is
        typ = max(votes, key=lambda t: (votes[t], t)) if votes else None
        if typ is None:
            continue
        proposed = any(m.proposed and (overlaps(m, short) or overlaps(m, long)) for m in mentions)
        if not proposed and not named:
            # "Continual Learning (CL)": a learning setting is a Task; but not the paper's own
            # "Multi-Modal Representation Learning (MMRL) framework"
            typ = type_of_mention(long.text, typ)
        short.type = long.type = typ
        short.proposed = long.proposed = proposed
        typed += [short, long]
    return typed


def propagate(paper: Paper, mentions: list[PaperMention], acronym_extractor: str) -> list[PaperMention]:
    """Other occurrences of acronyms and proposed names: "MMRL projects the space tokens…"."""
    out = []
    seen = set()
    for m in mentions:
        name = m.text
        if not (m.extractor == acronym_extractor and m.text.isupper() or m.proposed) or name in seen:
            continue
        if len(name) < 2 or is_generic(name):
            continue
        seen.add(name)
        for fld, start, end in _written_at(paper, name):
            out.append(
                PaperMention(
                    fld,
                    start,
                    end,
                    name,
                    m.type,
                    PROPAGATION,
                    min(m.confidence, PROPAGATED_CONFIDENCE),
                    m.proposed,
                    priority=PROPAGATION_PRIORITY,
                )
            )
    return out


def _written_at(paper: Paper, name: str) -> Iterator[tuple[str, int, int]]:
    """(field, start, end) of every whole-word occurrence of ``name`` in the title and abstract
    (no word character or hyphen on either side). str.find, not a regex: a pattern per name
    would be compiled anew for nearly every paper."""
    if not name:
        return
    for fld in ("title", "abstract"):
        text = paper.text(fld)
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            if not (at and _joins(text[at - 1])) and not (end < len(text) and _joins(text[end])):
                yield fld, at, end
                at = text.find(name, end)
            else:
                at = text.find(name, at + 1)


def _joins(char: str) -> bool:
    r"""A character that would make a name part of a longer word (regex ``[\w-]``)."""
    return char.isalnum() or char in "_-"


def propagate_kept(paper: Paper, kept: list[PaperMention]) -> list[PaperMention]:
    """Other occurrences of the coined Method and Dataset names that won their span, where no
    kept claim stands: "For ImageNet 512×512, our DDT-XL/2 achieves …" after "For ImageNet
    256×256, our DDT-XL/2 achieves …" (the results of a sentence are tied to the names found in
    it). After selection, so a claim that lost its own span never wins another."""
    taken = [(m.field, m.start, m.end) for m in kept]
    out = []
    seen = set()
    for m in kept:
        name = m.text
        if m.type not in ("Method", "Dataset") or m.needs_repeat or m.yields or name in seen:
            continue
        if not _COINED.search(name) or is_generic(name):
            continue
        seen.add(name)
        for fld, start, end in _written_at(paper, name):
            if any(f == fld and s < end and start < e for f, s, e in taken):
                continue
            taken.append((fld, start, end))
            out.append(replace(m, field=fld, start=start, end=end, extractor=REPEATED))
    return out


PROPAGATION_PRIORITY = 6  # below the rules that name things, above coined-name guesses and the NER


def mark_proposed_objects(mentions: list[PaperMention], sents: dict[str, SentenceIndex]) -> None:
    """ "We propose a novel weighted-merge method …": the first Method after the verb is the
    paper's own, named or not (the name rules only see names)."""
    by_sentence: dict[tuple[str, int], list[PaperMention]] = defaultdict(list)
    for m in mentions:
        if m.field == "abstract" and m.type == "Method":
            by_sentence[(m.field, sents[m.field].at(m.start)[1])].append(m)
    for (fld, s0), ms in by_sentence.items():
        sentence = sents[fld].at(s0)[0]
        verb = _PROPOSE_VERB.search(sentence)
        if not verb:
            continue
        after = sorted((m for m in ms if m.start - s0 >= verb.end()), key=lambda m: m.start)
        if after and after[0].start - s0 - verb.end() < 80 and not any(x.proposed for x in ms):
            after[0].proposed = True


def group(mentions: list[PaperMention], pairs: list[PaperMention]) -> list[Group]:
    """One group per (type, canonical key); acronym and expansion are joined (union–find).
    ``pairs`` is flat: short, long, short, long, …"""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def gkey(m: PaperMention) -> tuple[str, str]:
        return m.type, m.key or canonical_key(m.canonical or m.text)

    for i in range(0, len(pairs), 2):
        short, long = pairs[i], pairs[i + 1]
        a, b = find(gkey(long)), find(gkey(short))
        if a != b:
            parent[b] = a  # the expansion's key names the group
    groups: dict[tuple[str, str], Group] = {}
    for m in mentions:
        root = find(gkey(m))
        groups.setdefault(root, Group(root[0], root[1])).mentions.append(m)
    return list(groups.values())
