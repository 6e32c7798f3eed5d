"""What the page shows from kg.analysis: every leaderboard (the "Benchmarks" view and each
dataset's panel) and each entity's papers per period (its sparkline in the panel).

Computed on the full graph, like the results lists, so a focused view still shows a dataset's
whole table; a table keeps its best ``MAX_ROWS`` rows in the page.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.analysis.leaderboard import benchmarks, family_boards
from kg.analysis.trends import entity_counts, paper_periods, period_range

__all__ = ["MAX_BOARDS", "MAX_ROWS", "analysis_data"]

MAX_BOARDS = 200  # a big graph has thousands of one-result tables; the page keeps the largest
MAX_ROWS = 50
TREND_TYPES = {"Method", "Dataset", "Task", "Metric"}
_ROW_KEYS = ("rank", "method", "value_text", "unit", "kind", "direction", "dataset", "date", "code", "evidence")


def _row(r: dict[str, Any], ref: Any) -> dict[str, Any]:
    out = {k: r[k] for k in _ROW_KEYS if r.get(k) is not None}
    if out.get("value_text") is None:
        out["value_text"] = str(r.get("value"))
    if r.get("paper_id"):
        out["paper"] = ref(r["paper_id"])
    return out


def _boards(full: nx.MultiDiGraph, index: dict[str, int], nodes: list[dict], ref: Any) -> list[dict[str, Any]]:
    top = benchmarks(full)[:MAX_BOARDS]
    wanted = {(b.dataset_id, b.metric) for b in top}
    tables = {
        (b.dataset_id, b.metric): b
        for root in dict.fromkeys(b.dataset_id for b in top)
        for b in family_boards(full, root)
        if (b.dataset_id, b.metric) in wanted
    }
    out: list[dict[str, Any]] = []
    for bench in top:
        b = tables[bench.dataset_id, bench.metric]
        members = {b.dataset_id} | {str(r["dataset_id"]) for r in (*b.rows, *b.relative)}
        for n in sorted(members):
            if n in index:
                nodes[index[n]].setdefault("boards", []).append(len(out))
        out.append(
            {
                "dataset": b.dataset,
                "datasetId": b.dataset_id,
                "metric": b.metric,
                "better": b.better,
                "variants": b.variants,
                "total": len(b.rows),
                "rows": [_row(r, ref) for r in b.rows[:MAX_ROWS]],
                "relative": [_row(r, ref) for r in b.relative[:MAX_ROWS]],
            }
        )
    return out


def _trends(full: nx.MultiDiGraph, index: dict[str, int], nodes: list[dict]) -> dict[str, Any]:
    periods_of, undated = paper_periods(full, "month")
    values = sorted(set(periods_of.values()))
    periods = period_range(values[0], values[-1], "month") if values else []
    if len(periods) >= 2:
        wanted = {n: a for n, a in full.nodes(data=True) if n in index and a.get("type") in TREND_TYPES}
        sub = full.subgraph(wanted) if len(wanted) < full.number_of_nodes() else full
        for n, counts in entity_counts(sub, TREND_TYPES, periods_of).items():
            nodes[index[n]]["trend"] = [counts[p] for p in periods]
    return {"periods": periods, "undated": undated}


def analysis_data(
    full: nx.MultiDiGraph, index: dict[str, int], nodes: list[dict], ref: Any
) -> tuple[dict[str, Any], set[str]]:
    """The page's ``benchmarks`` and ``trends`` entries (nodes get ``boards`` and ``trend``),
    and the paper ids the tables refer to."""
    boards = _boards(full, index, nodes, ref)
    papers = {r["paper"] for b in boards for r in (*b["rows"], *b["relative"]) if r.get("paper")}
    return {"benchmarks": boards, "trends": _trends(full, index, nodes)}, papers
