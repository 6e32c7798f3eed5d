"""Search as you type over node names and aliases, built once at start-up and ranked.

Every backend feeds the same index (the Neo4j backend reads names and aliases once at start), so a
query gets the same answer in file and Neo4j mode. Ranks, best first: the whole name, a prefix,
a word inside the name, any substring, then a close spelling (rapidfuzz); within a rank, nodes
backed by more papers first. Substrings are found with ``str.find`` over one newline-joined
string of every distinct folded name, so a query over 300,000 names stays in the milliseconds.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kg.graph.lookup import fold

__all__ = ["Entry", "Hit", "SearchIndex"]

EXACT, PREFIX, WORD, SUBSTRING, FUZZY = range(5)
_MATCH_NAMES = ("name", "prefix", "word", "substring", "fuzzy")
# Enough candidates to rank the first pages well; a broader query should be typed longer.
MAX_CANDIDATES = 2000
_FUZZY_CUTOFF = 75.0


@dataclass(frozen=True)
class Entry:
    """A searchable node: its id, type, shown name, aliases and how many papers back it."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...]
    papers: int


@dataclass(frozen=True)
class Hit:
    entry: Entry
    rank: int
    matched: str  # the name or alias that matched

    def as_json(self) -> dict[str, object]:
        e = self.entry
        return {
            "id": e.id,
            "type": e.type,
            "name": e.name,
            "matched": self.matched,
            "match": _MATCH_NAMES[self.rank],
            "papers": e.papers,
        }


class SearchIndex:
    """Names and aliases of every entry, folded (trimmed, lower-cased)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: list[Entry] = list(entries)
        by_text: dict[str, list[tuple[int, str]]] = {}
        for i, e in enumerate(self.entries):
            for text in dict.fromkeys((e.name, *e.aliases)):
                key = fold(text)
                if key:
                    by_text.setdefault(key, []).append((i, text))
        self._by_text = by_text
        self._texts = sorted(by_text)
        self._blob = "\n".join(self._texts)
        offsets, at = [], 0
        for t in self._texts:
            offsets.append(at)
            at += len(t) + 1
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, query: str, *, types: set[str] | None = None) -> list[Hit]:
        """Every hit for ``query`` (at most MAX_CANDIDATES texts looked at), best first."""
        q = fold(query)
        if not q:
            return []
        found: dict[str, tuple[int, str]] = {}  # text → best rank
        if q in self._by_text:
            found[q] = (EXACT, q)
        start = bisect.bisect_left(self._texts, q)
        for text in self._texts[start : start + MAX_CANDIDATES]:
            if not text.startswith(q):
                break
            found.setdefault(text, (PREFIX, text))
        at = 0
        while len(found) < MAX_CANDIDATES and (at := self._blob.find(q, at)) != -1:
            i = bisect.bisect_right(self._offsets, at) - 1
            text = self._texts[i]
            where = at - self._offsets[i]
            rank = PREFIX if where == 0 else WORD if not text[where - 1].isalnum() else SUBSTRING
            if text not in found or found[text][0] > rank:
                found[text] = (rank, text)
            at = self._offsets[i] + len(text) + 1  # the next text
        if len(q) >= 3 and len(found) < 50:
            for text, _score, _ in process.extract(
                q, self._texts, scorer=fuzz.ratio, limit=50, score_cutoff=_FUZZY_CUTOFF
            ):
                found.setdefault(text, (FUZZY, text))
        best: dict[str, Hit] = {}
        for text, (rank, _) in found.items():
            for i, original in self._by_text[text]:
                e = self.entries[i]
                if types and e.type not in types:
                    continue
                old = best.get(e.id)
                if old is None or rank < old.rank:
                    best[e.id] = Hit(e, rank, original)
        return sorted(
            best.values(), key=lambda h: (h.rank, -h.entry.papers, len(h.entry.name), h.entry.name, h.entry.id)
        )
