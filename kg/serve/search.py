"""Search as you type over node names and aliases, built once at start-up and ranked.

Every backend feeds the same index (the Neo4j backend reads names and aliases once at start), so a
query gets the same answer in file and Neo4j mode. Ranks, best first: the whole name, a prefix,
a word inside the name, any substring, then a close spelling (rapidfuzz); within a rank, nodes
backed by more papers first. Substrings are found with ``str.find`` over one newline-joined
string of every distinct folded name: on the 100,000-paper graph (86,000 distinct names) a query
takes ~5 ms at the median (kg.bench.serve).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kg.graph.lookup import fold

__all__ = ["Entry", "Hit", "Hits", "SearchIndex"]

EXACT, PREFIX, WORD, SUBSTRING, FUZZY = range(5)
_MATCH_NAMES = ("name", "prefix", "word", "substring", "fuzzy")
# Enough candidates to rank the first pages well; a broader query should be typed longer.
MAX_CANDIDATES = 2000
MAX_HITS = 2000
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


@dataclass(frozen=True)
class Hits:
    """Ranked hits as sort keys; :meth:`page` makes the few a response shows."""

    keys: list[tuple[int, int, int, str, str, int, str]]  # rank, -papers, len, name, id, entry, matched
    entries: list[Entry]
    capped: bool  # more nodes matched than were ranked

    def __len__(self) -> int:
        return len(self.keys)

    def page(self, offset: int, limit: int) -> list[Hit]:
        return [Hit(self.entries[k[5]], k[0], k[6]) for k in self.keys[offset : offset + limit]]


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

    def search(self, query: str, *, types: set[str] | None = None) -> Hits:
        """The hits for ``query``, best first (MAX_CANDIDATES texts looked at, ~MAX_HITS nodes ranked)."""
        q = fold(query)
        if not q:
            return Hits([], self.entries, False)
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
        if len(q) >= 3 and len(found) < 50 and q not in self._by_text:
            # Close spellings among the texts that start with the query's first character (a
            # contiguous run of the sorted texts): a scan of every text cost ~30 ms a query on
            # the 100,000-paper graph, and a misspelt first letter is the rare typo.
            lo = bisect.bisect_left(self._texts, q[0])
            hi = bisect.bisect_left(self._texts, chr(ord(q[0]) + 1), lo)
            for text, _score, _ in process.extract(
                q, self._texts[lo:hi], scorer=fuzz.ratio, limit=50, score_cutoff=_FUZZY_CUTOFF
            ):
                found.setdefault(text, (FUZZY, text))
        # Texts in rank order (a node found through several keeps its best rank); whole ranks are
        # kept until MAX_HITS nodes are in, so the order within each kept rank is exact.
        best: dict[str, tuple[int, int, int, str, str, int, str]] = {}
        last_rank = EXACT
        capped = False
        for text, (rank, _) in sorted(found.items(), key=lambda kv: kv[1][0]):
            if rank != last_rank and len(best) >= MAX_HITS:
                capped = True
                break
            last_rank = rank
            for i, original in self._by_text[text]:
                e = self.entries[i]
                if e.id not in best and (not types or e.type in types):
                    best[e.id] = (rank, -e.papers, len(e.name), e.name, e.id, i, original)
        return Hits(sorted(best.values()), self.entries, capped)
