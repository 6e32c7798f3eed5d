"""Who a claim is about: the subject of a claim verb ("PoolFormer achieves 82.1% …").

The relation rules (kg/extract/relation_rules.py), the results rule (kg/extract/results.py) and
the naming cues (kg/extract/proposals.py, dataset_cues.py) read a sentence's subject the same
way, from these patterns: the mention before a claim verb, with adverbs, a parenthetical or a
head noun between; never one an object cue precedes ("than X"), nor one across a clause break.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from kg.extract.mentions import Mention

# Verbs whose grammatical subject is the method a claim is about ("X achieves …").
_CLAIM_VERB = (
    r"(?:achiev|reach|obtain|attain|scor|yield|register|set|get|improv|outperform"
    r"|out-perform|surpass|beat|exceed|reduc|deliver|show|boost|enhanc|increas"
    r"|accelerat|record|match|perform|establish|provid|lead|demonstrat|remain"
    r"|compress|run|train|produc|rank|lower|cut|speed|is\b|are\b)\w*"
)
# Between a subject and its verb: a parenthetical, adverbs, modals ("X (ours) also clearly …").
SUBJECT_GAP = re.compile(
    # a head noun after the name: "Our XYZ-H model achieves", "the DDT framework outperforms"
    r"(?:\s+(?:model|method|framework|approach|network|architecture|variant|system)s?\b)?"
    r"\s*(?:\([^()]{0,40}\)\s*)?(?:,\s*)?"
    # a participle phrase: "ComPEFT applied to LLaMA outperforms", "a ViT-H trained on D achieves"
    r"(?:(?:applied|used|trained|pre-?trained|fine-?tuned|combined|equipped|paired)\s+"
    r"(?:to|on|with)\s+[^,;()]{1,40}?\s+)?"
    r"(?:(?:\w+ly|also|further|still|even|can|could|may|will"
    r"|to|not|both|all|now|then|thus|indeed|again)\s+)*" + _CLAIM_VERB,
    re.IGNORECASE,
)
# lowercase only: "Multi-Layers Trainable Pooling" goes on with a name, not a verb
_VERB_AFTER_NAME = re.compile(rf"\s+(?:(?:\w+ly|also|further|still|even|now)\s+)*{_CLAIM_VERB}")


def claim_verb_after(text: str, pos: int) -> bool:
    """A claim verb follows ``pos`` ("XYZ achieves", "XYZ also outperforms"): a name ending there
    is its clause's subject ("On the COCO dataset, XYZ achieves …" names no dataset XYZ)."""
    return _VERB_AFTER_NAME.match(text, pos) is not None


# Words right before a mention that make it an object, never a subject.
_OBJECT_CUE = re.compile(
    r"(?:than|over|outperform\w*|surpass\w*|beat\w*|exceed\w*|against"
    r"|vs\.?|versus|compared\s+(?:to|with)|with|by|to|of|from)\s*$",
    re.IGNORECASE,
)
# A colon before a number labels a value ("FID: 2.05"), it breaks no clause.
CLAUSE_BREAK = re.compile(r";|\bwhile\b|\bwhereas\b|\bbut\b|\bwhich\b|\bwhere\b|:\s+(?=[^\d\s+~-])")


def clause_subject(
    text: str, mentions: Sequence[Mention], pos: int, sent_start: int, types: Iterable[str] = ("Method",)
) -> Mention | None:
    """The last mention of ``types`` before ``pos`` that is the subject of a claim verb.

    "PoolFormer achieves 82.1% …, surpassing DeiT-B" → PoolFormer for any pos after "achieves".
    A mention preceded by "than", "over", "outperforms" … is an object and is skipped.
    """
    wanted = set(types)
    for m in reversed(mentions):
        if m[1] > pos or m[0] < sent_start:
            continue
        if m[2] not in wanted:
            continue
        if SUBJECT_GAP.match(text, m[1], pos) is None:
            continue
        if _OBJECT_CUE.search(text, max(sent_start, m[0] - 25), m[0]):
            continue
        if CLAUSE_BREAK.search(text, m[1], pos) and not _ing_after_break(text, m[1], pos):
            continue
        return m
    return None


# The paper's own unnamed method as a subject: "Our method reaches …", "our largest model
# achieves …", "the proposed approach outperforms …", "this training method is effective,
# achieving …"; never "our baseline model".
_OWN_SUBJECT = re.compile(
    r"\b(?:our|this|the\s+proposed)\s+(?:(?!(?:baseline|previous|prior|teacher|vanilla|original|reference|base)\b)"
    r"[\w-]+\s+){0,3}?(?:method|model|approach|framework|architecture|network|system|algorithm|variant|pipeline)s?\b",
    re.IGNORECASE,
)


def own_method_subject(text: str, pos: int, sent_start: int) -> bool:
    """Whether the subject of the claim that reaches ``pos`` is the paper's own method, unnamed
    ("Our method reaches 1.78 FID"): as :func:`clause_subject`, for a description instead of a
    mention."""
    own = None
    for m in _OWN_SUBJECT.finditer(text, sent_start, pos):
        own = m
    return (
        own is not None
        and SUBJECT_GAP.match(text, own.end(), pos) is not None
        and not _OBJECT_CUE.search(text, max(sent_start, own.start() - 25), own.start())
        and not (CLAUSE_BREAK.search(text, own.end(), pos) and not _ing_after_break(text, own.end(), pos))
    )


# "Experiments on X (84.7 mIoU on S4) demonstrate that COMBO surpasses …": the values before
# the finding belong to the method it is about.
_FINDING_THAT = re.compile(
    r"\b(?:demonstrat|show|indicat|reveal|confirm|verif|validat|prov)\w*\s+that\s+(?:(?:our|the\s+proposed)\s+)?"
)


def finding_subject(text: str, mentions: Sequence[Mention], pos: int, sent_end: int) -> Mention | None:
    """The Method a later "… show that M achieves …" is about, for a value at ``pos`` that no
    subject before it claims."""
    finding = _FINDING_THAT.search(text, pos, sent_end)
    if finding is None:
        return None
    m = next((m for m in mentions if m[0] == finding.end() and m[2] == "Method"), None)
    return m if m is not None and SUBJECT_GAP.match(text, m[1], sent_end) else None


_WHILE_ING = re.compile(r"\b(?:while|whereas)\s+\w+ing\b")


def _ing_after_break(text: str, start: int, pos: int) -> bool:
    # "X achieves A, while surpassing B": the subject carries over a participle clause.
    return _WHILE_ING.search(text, start, pos) is not None
