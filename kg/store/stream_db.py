"""The streaming export's disk: papers and the edges papers share, in an SQLite file.

SQLite (the standard library's) is the embedded engine: an upsert per edge mention keeps the top
confidence, ``INSERT OR IGNORE`` keeps each paper's first evidence, and the final ``ORDER BY``
is its own external sort, so memory stays at its page cache whatever the corpus.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.graph.build import MAX_EVIDENCE_PER_EDGE

__all__ = ["EdgeStore"]

_SCHEMA = """
CREATE TABLE paper (pid TEXT PRIMARY KEY, num INTEGER UNIQUE, digest TEXT, sources TEXT, count INTEGER);
CREATE TABLE edge (id INTEGER PRIMARY KEY, u TEXT, v TEXT, k TEXT, conf REAL, held INTEGER, UNIQUE (u, v, k));
CREATE TABLE edge_paper (edge INTEGER, num INTEGER, ord INTEGER, ev TEXT, PRIMARY KEY (edge, num)) WITHOUT ROWID;
CREATE TABLE result (rid TEXT PRIMARY KEY, attrs TEXT);
"""
_CHUNK = 900  # SQLite's limit on parameters of one statement is 999 in old builds


class EdgeStore:
    def __init__(self, path: Path):
        self.con = sqlite3.connect(path)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-65536", "temp_store=FILE"):
            self.con.execute(f"PRAGMA {pragma}")
        self.con.executescript(_SCHEMA)
        self.ord = 0

    def close(self) -> None:
        self.con.close()

    def commit(self) -> None:
        self.con.commit()

    # ------------------------------------------------------------ papers

    def add_paper(self, pid: str, seq: int, digest: str, source: str | None) -> int | None:
        """The paper's number (the seq of its first record), or None: the id with another text."""
        row = self.con.execute("SELECT num, digest, sources FROM paper WHERE pid = ?", (pid,)).fetchone()
        if row is None:
            sources = json.dumps([source] if source else [])
            self.con.execute("INSERT INTO paper VALUES (?, ?, ?, ?, 1)", (pid, seq, digest, sources))
            return seq
        num, known, sources_json = row
        if known != digest:
            return None
        sources = json.loads(sources_json)
        if source and source not in sources:
            sources.append(source)
        self.con.execute("UPDATE paper SET count = count + 1, sources = ? WHERE pid = ?", (json.dumps(sources), pid))
        return int(num)

    def first_source(self, pid: str) -> str | None:
        row = self.con.execute("SELECT sources FROM paper WHERE pid = ?", (pid,)).fetchone()
        sources = json.loads(row[0]) if row else []
        return sources[0] if sources else None

    def paper(self, pid: str) -> tuple[int, list[str], int]:
        num, sources, count = self.con.execute("SELECT num, sources, count FROM paper WHERE pid = ?", (pid,)).fetchone()
        return int(num), json.loads(sources), int(count)

    def paper_seen_by(self, pid: str, seq: int) -> bool:
        row = self.con.execute("SELECT num FROM paper WHERE pid = ?", (pid,)).fetchone()
        return row is not None and row[0] <= seq

    def paper_ids(self, nums: Any) -> list[str]:
        """Paper ids (without "Paper:") of paper numbers, in their order."""
        nums = list(nums)
        found: dict[int, str] = {}
        for start in range(0, len(nums), _CHUNK):
            chunk = nums[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(self.con.execute(f"SELECT num, pid FROM paper WHERE num IN ({marks})", chunk))
        return [found[n].split(":", 1)[1] for n in nums]

    # ------------------------------------------------------------ results of papers read twice

    def put_result(self, rid: str, attrs: dict[str, Any]) -> None:
        # a node added again takes the later attributes, as networkx's add_node does
        self.con.execute("INSERT OR REPLACE INTO result VALUES (?, ?)", (rid, json.dumps(attrs)))

    def results(self) -> Iterator[dict[str, Any]]:
        for (attrs,) in self.con.execute("SELECT attrs FROM result"):
            yield json.loads(attrs)

    # ------------------------------------------------------------ edges

    def add_edge(self, u: str, v: str, rtype: str, num: int, evd: dict[str, Any], held: bool) -> None:
        (edge,) = self.con.execute(
            "INSERT INTO edge (u, v, k, conf, held) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (u, v, k) DO UPDATE SET conf = max(conf, excluded.conf) RETURNING id",
            (u, v, rtype, evd["confidence"], int(held)),
        ).fetchone()
        self.ord += 1
        self.con.execute("INSERT OR IGNORE INTO edge_paper VALUES (?, ?, ?, ?)", (edge, num, self.ord, json.dumps(evd)))

    def edges(self, held: bool) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Each aggregated edge as GraphBuilder.add_edge leaves it: papers (numbers) in the order
        they came, the first MAX_EVIDENCE_PER_EDGE evidence, the top confidence."""
        self.con.execute("CREATE INDEX IF NOT EXISTS edge_order ON edge_paper (edge, ord)")
        rows = self.con.execute(
            "SELECT e.id, e.u, e.v, e.k, e.conf, ep.num, ep.ev FROM edge e JOIN edge_paper ep ON ep.edge = e.id "
            "WHERE e.held = ? ORDER BY e.id, ep.ord",
            (int(held),),
        )
        current: int | None = None
        u = v = k = ""
        conf = 0.0
        papers: list[int] = []
        evidence: list[dict[str, Any]] = []
        for edge, eu, ev_, ek, econf, num, evj in rows:
            if edge != current:
                if current is not None:
                    yield u, v, k, _attrs(papers, conf, evidence)
                current, u, v, k, conf, papers, evidence = edge, eu, ev_, ek, econf, [], []
            papers.append(num)
            if len(evidence) < MAX_EVIDENCE_PER_EDGE:
                evidence.append(json.loads(evj))
        if current is not None:
            yield u, v, k, _attrs(papers, conf, evidence)


def _attrs(papers: list[int], conf: float, evidence: list[dict[str, Any]]) -> dict[str, Any]:
    return {"papers": papers, "support": len(papers), "confidence": conf, "evidence": evidence}
