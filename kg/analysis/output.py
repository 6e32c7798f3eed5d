"""Leaderboards and benchmark lists as text: an aligned table, Markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from kg.analysis.leaderboard import Benchmark, Leaderboard

__all__ = ["FORMATS", "format_benchmarks", "format_leaderboards", "value_with_unit"]

FORMATS = ("table", "json", "csv", "markdown")
TITLE_CHARS = 60  # the table format shortens titles; json, csv and markdown keep them whole

BENCHMARK_COLUMNS = ("dataset", "metric", "results", "papers", "better", "variants")
ROW_COLUMNS = (
    "rank",
    "method",
    "value",
    "dataset",
    "paper",
    "title",
    "url",
    "date",
    "code",
    "evidence",
)


def value_with_unit(row: dict[str, Any]) -> str:
    """``1.61`` / ``84.7 %`` / ``+2.1 points``: the value as written, its unit unless it says it."""
    text = str(row.get("value_text") if row.get("value_text") is not None else row.get("value"))
    unit = row.get("unit")
    if unit and not text.endswith(str(unit)):
        text = f"{text} {unit}"
    if row.get("kind") == "relative" and row.get("direction"):
        text = f"{text} ({row['direction']})"  # the change as the paper states it, no sign guessed
    return text


def _cell(row: dict[str, Any], column: str, unranked: str = "–") -> str:
    if column == "value":
        return value_with_unit(row)
    value = row.get(column)
    if value is None:
        return unranked if column == "rank" else ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return " ".join(str(value).split())


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _aligned(columns: Sequence[str], rows: list[list[str]]) -> list[str]:
    table = [list(columns), *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(columns))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _csv(columns: Sequence[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().rstrip("\n")


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _markdown(columns: Sequence[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return lines


def format_benchmarks(items: list[Benchmark], fmt: str) -> str:
    """The benchmark list; ``better`` is which way the metric's table is ranked (blank: unknown)."""
    if fmt == "json":
        return json.dumps([b.__dict__ for b in items], ensure_ascii=False, indent=2)
    rows = [[b.dataset, b.metric, str(b.results), str(b.papers), b.better or "", ", ".join(b.variants)] for b in items]
    if fmt == "csv":
        return _csv(BENCHMARK_COLUMNS, rows)
    if fmt == "markdown":
        return "\n".join(_markdown(BENCHMARK_COLUMNS, rows))
    total = sum(b.results for b in items)
    return "\n".join([*_aligned(BENCHMARK_COLUMNS, rows), f"({len(items)} benchmarks, {total} absolute results)"])


def _heading(b: Leaderboard) -> str:
    where = b.dataset + (" (this variant only)" if b.exact else "")
    if b.better is None:
        order = "direction unknown: listed highest first, not ranked"
    else:
        order = f"{b.better} is better"
    n = len(b.rows)
    return f"{where} · {b.metric} · {n} absolute result{'' if n == 1 else 's'} · {order}"


def _board_rows(rows: list[dict[str, Any]], short: bool) -> list[list[str]]:
    out = []
    for r in rows:
        cells = [_cell(r, c) for c in ROW_COLUMNS]
        if short:
            cells[ROW_COLUMNS.index("title")] = _short(cells[ROW_COLUMNS.index("title")], TITLE_CHARS)
        out.append(cells)
    return out


def format_leaderboards(boards: list[Leaderboard], fmt: str) -> str:
    """Every table; csv and json are flat rows with the dataset family, metric and direction."""
    if fmt == "json":
        return json.dumps([b.as_dict() for b in boards], ensure_ascii=False, indent=2)
    if fmt == "csv":
        columns = ("family", "metric", "better", "kind", *ROW_COLUMNS)
        flat = [
            [b.dataset, b.metric, b.better or "", str(r.get("kind") or ""), *(_cell(r, c, "") for c in ROW_COLUMNS)]
            for b in boards
            for r in (*b.rows, *b.relative)
        ]
        return _csv(columns, flat)
    blocks: list[str] = []
    table_columns = [c for c in ROW_COLUMNS if c != "evidence"]
    for b in boards:
        lines = [("### " if fmt == "markdown" else "") + _heading(b), ""]
        for label, rows in (("", b.rows), ("Relative results (not ranked):", b.relative)):
            if not rows:
                continue
            if label:
                lines += [label, ""]
            cells = _board_rows(rows, short=fmt == "table")
            if fmt == "markdown":
                lines += _markdown(ROW_COLUMNS, cells)
            else:
                lines += _aligned(table_columns, [c[:-1] for c in cells])
                evidence = [f"  {i}. {c[-1]}" for i, c in enumerate(cells, start=1) if c[-1]]
                lines += ["", "Evidence (by row):", *evidence] if evidence else []
            lines.append("")
        if not b.rows and not b.relative:
            lines.append("(no results)")
        blocks.append("\n".join(lines).rstrip())
    return "\n\n".join(blocks)
