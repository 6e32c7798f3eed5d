"""How well the leaderboards list a gold set's results (tests/data/gold/*.jsonl).

For each dataset a gold absolute result names, the leaderboard that ``kg leaderboard --dataset``
prints for it (the dataset's family) is compared with the gold absolute results on that family:
a row is right when a gold result of the same paper has the same metric (any name or alias of the
gold Metric entity, by canonical key) and the same value (kg.eval.gold's tolerance). Gold
datasets whose leaderboards are the same table are scored once; a gold dataset missing from the
graph has all its results missed. Micro precision and recall over all tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.analysis.leaderboard import UnknownName, family_boards, family_roots, find_typed
from kg.eval.gold import VALUE_TOLERANCE, Counts, load_gold, normalize_title
from kg.resolve.keys import canonical_key

__all__ = ["BoardScore", "score_leaderboards"]


@dataclass
class BoardScore:
    counts: Counts = field(default_factory=Counts)
    tables: list[dict[str, Any]] = field(default_factory=list)  # per table: datasets, tp, fp, fn

    def as_dict(self) -> dict[str, Any]:
        return {**self.counts.as_dict(), "tables": self.tables}


def _keys(names: Iterable[str | None]) -> set[str]:
    return {k for k in (canonical_key(n) for n in names if n) if k}


def _gold_results(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for rec in records:
        metrics = [_keys([e["name"], *e.get("aliases", [])]) for e in rec["entities"] if e["type"] == "Metric"]
        for r in rec.get("results", []):
            if r.get("kind") != "absolute" or not r.get("dataset"):
                continue
            keys = _keys([r["metric"]])
            keys = keys.union(*(m for m in metrics if m & keys))
            out.append(
                {
                    "title": normalize_title(rec["title"]),
                    "dataset": r["dataset"],
                    "metric": keys,
                    "value": float(r["value"]),
                }
            )
    return out


def _same(gold: dict[str, Any], row: dict[str, Any]) -> bool:
    v, w = gold["value"], row.get("value")
    if not isinstance(w, (int, float)) or abs(v - w) > VALUE_TOLERANCE * max(abs(v), abs(w)):
        return False
    return gold["title"] == row["_title"] and not gold["metric"].isdisjoint(row["_metric"])


def _matched(gold: list[dict[str, Any]], rows: list[dict[str, Any]]) -> int:
    used: set[int] = set()
    tp = 0
    for gd in gold:  # greedy is exact here: a paper reports a (metric, value) once per table
        hit = next((i for i, r in enumerate(rows) if i not in used and _same(gd, r)), None)
        if hit is not None:
            used.add(hit)
            tp += 1
    return tp


def score_leaderboards(gold_path: Path, g: nx.MultiDiGraph) -> BoardScore:
    """Score the leaderboards of ``g`` (built from the gold's papers) against the gold file."""
    gold = _gold_results(load_gold(gold_path))
    tables: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    names: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for gd in gold:
        try:
            roots = tuple(sorted({r for n in find_typed(g, "Dataset", gd["dataset"], "") for r in family_roots(g, n)}))
        except UnknownName:
            roots = ("missing:" + canonical_key(gd["dataset"]),)
        tables[roots].append(gd)
        names[roots].add(gd["dataset"])
    score = BoardScore()
    for roots, gold_rows in sorted(tables.items()):
        rows = []
        for root in roots:
            if root.startswith("missing:"):
                continue
            for board in family_boards(g, root):
                for r in board.rows:
                    paper = g.nodes[r["paper_id"]] if r.get("paper_id") in g else {}
                    metric_node = g.nodes[r["metric_id"]] if r.get("metric_id") in g else {}
                    r["_title"] = normalize_title(str(paper.get("title") or ""))
                    r["_metric"] = _keys([r["metric"], *(metric_node.get("aliases") or ())])
                    rows.append(r)
        tp = _matched(gold_rows, rows)
        counts = Counts(tp=tp, fp=len(rows) - tp, fn=len(gold_rows) - tp)
        score.counts.add(counts)
        score.tables.append({"datasets": sorted(names[roots]), "tp": tp, "fp": counts.fp, "fn": counts.fn})
    return score
