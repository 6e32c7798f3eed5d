"""Papers mentioning each entity per period, and the entities rising fastest.

Periods come from paper dates (``YYYY-MM-DD``, or ``YYYY-MM`` for months); a paper without a
date it can read is counted in ``undated`` and reported, never given one. Every period from the
first dated paper to the last is kept, empty ones included, so a gap shows as a gap.

The rise of an entity compares the recent half of the periods (the later ⌊n/2⌋) with the earlier
ones, as shares of the papers of each part, each share smoothed by ``PSEUDO_PAPERS`` pseudo-papers::

    rise = log2( ((recent + 2) / (recent papers + 2)) / ((earlier + 2) / (earlier papers + 2)) )

so one paper more or less moves a rare entity little, and an entity whose papers grow only as
fast as the whole corpus has rise 0. Entities in fewer than ``min_papers`` dated papers (3 by
default) are not ranked at all: a one-paper blip is never "rising".
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import networkx as nx

__all__ = ["PSEUDO_PAPERS", "Trend", "TrendReport", "compute_trends", "format_trends", "paper_period", "sparkline"]

PSEUDO_PAPERS = 2.0
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})(?:-(\d{2}))?")
_BARS = "▁▂▃▄▅▆▇█"


def paper_period(text: Any, by: str = "month") -> str | None:
    """``2024-03`` (month) or ``2024-W09`` (ISO week) of a date; None when it cannot be read
    (a week needs the day)."""
    m = _DATE.match(str(text)) if text else None
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    if by == "month":
        return f"{year:04d}-{month:02d}"
    if m.group(3) is None:
        return None
    try:
        iso = date(year, month, int(m.group(3))).isocalendar()
    except ValueError:
        return None
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def period_range(first: str, last: str, by: str) -> list[str]:
    out = [first]
    if by == "month":
        y, m = int(first[:4]), int(first[5:7])
        while out[-1] < last:
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            out.append(f"{y:04d}-{m:02d}")
    else:
        d = date.fromisocalendar(int(first[:4]), int(first[6:8]), 1)
        while out[-1] < last:
            d += timedelta(weeks=1)
            iso = d.isocalendar()
            out.append(f"{iso[0]:04d}-W{iso[1]:02d}")
    return out


def sparkline(counts: list[int]) -> str:
    top = max(counts, default=0)
    return "".join(" " if c == 0 else _BARS[min(7, math.ceil(7 * c / top))] for c in counts) if top else ""


@dataclass
class Trend:
    id: str
    name: str
    counts: list[int]  # papers per period, aligned with TrendReport.periods
    total: int  # dated papers
    earlier: int
    recent: int
    rise: float | None  # None: too few dated papers to rank


@dataclass
class TrendReport:
    type: str
    by: str
    periods: list[str]
    papers_per_period: list[int]
    dated: int
    undated: int
    split: str | None  # the first period of the recent part
    min_papers: int
    rising: list[Trend] = field(default_factory=list)  # the top N by rise
    entities: int = 0  # entities of the type with a dated paper

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


def _rise(recent: int, earlier: int, n_recent: int, n_earlier: int) -> float:
    share_recent = (recent + PSEUDO_PAPERS) / (n_recent + PSEUDO_PAPERS)
    share_earlier = (earlier + PSEUDO_PAPERS) / (n_earlier + PSEUDO_PAPERS)
    return math.log2(share_recent / share_earlier)


def paper_periods(g: nx.MultiDiGraph, by: str = "month") -> tuple[dict[str, str], int]:
    """Paper key → period for every dated paper, and how many papers have no readable date."""
    periods: dict[str, str] = {}
    undated = 0
    for n, a in g.nodes(data=True):
        if a.get("type") != "Paper":
            continue
        p = paper_period(a.get("date"), by)
        if p is None:
            undated += 1
        else:
            periods[str(a.get("key", n))] = p
            periods[n] = p  # entity papers lists hold keys; some graphs hold ids
    return periods, undated


def entity_counts(g: nx.MultiDiGraph, kinds: set[str], periods: dict[str, str]) -> dict[str, Counter]:
    """Entity id → papers per period, for entities of ``kinds`` (each paper counted once)."""
    out: dict[str, Counter] = {}
    for n, a in g.nodes(data=True):
        if a.get("type") in kinds:
            seen = {periods[p] + "\0" + p for p in map(str, a.get("papers") or ()) if p in periods}
            if seen:
                out[n] = Counter(s.split("\0", 1)[0] for s in seen)
    return out


def compute_trends(
    g: nx.MultiDiGraph, entity_type: str = "Method", *, by: str = "month", top: int = 10, min_papers: int = 3
) -> TrendReport:
    periods_of, undated = paper_periods(g, by)
    keys = {str(g.nodes[n].get("key", n)) for n, a in g.nodes(data=True) if a.get("type") == "Paper"}
    dated = {p: per for p, per in periods_of.items() if p in keys}
    all_periods = sorted(set(dated.values()))
    periods = period_range(all_periods[0], all_periods[-1], by) if all_periods else []
    per_period = Counter(dated.values())
    report = TrendReport(
        type=entity_type,
        by=by,
        periods=periods,
        papers_per_period=[per_period[p] for p in periods],
        dated=len(dated),
        undated=undated,
        split=None,
        min_papers=min_papers,
    )
    if len(periods) < 2:
        return report
    cut = len(periods) - len(periods) // 2
    report.split = periods[cut]
    n_earlier, n_recent = sum(report.papers_per_period[:cut]), sum(report.papers_per_period[cut:])
    trends = []
    for n, counts in entity_counts(g, {entity_type}, periods_of).items():
        series = [counts[p] for p in periods]
        total, earlier = sum(series), sum(series[:cut])
        recent = total - earlier
        rise = _rise(recent, earlier, n_recent, n_earlier) if total >= min_papers else None
        trends.append(Trend(n, str(g.nodes[n].get("name") or n), series, total, earlier, recent, rise))
    report.entities = len(trends)
    ranked = [t for t in trends if t.rise is not None]
    ranked.sort(key=lambda t: (-(t.rise or 0.0), -t.total, t.name.casefold(), t.id))
    report.rising = ranked[:top]
    return report


def format_trends(r: TrendReport) -> str:
    head = (
        f"{r.type} trends by {r.by}: {r.dated} dated papers in {len(r.periods)} periods"
        + (f" ({r.periods[0]} … {r.periods[-1]})" if r.periods else "")
        + f"; {r.undated} paper{'' if r.undated == 1 else 's'} without a date (not counted)"
    )
    if len(r.periods) < 2:
        return head + "\nfewer than two periods with dated papers: nothing can rise"
    lines = [
        head,
        f"papers per period: {sparkline(r.papers_per_period)}  {r.papers_per_period}",
        f"rise: recent periods from {r.split} against the earlier ones (log2 of smoothed shares); "
        f"entities in fewer than {r.min_papers} dated papers are not ranked",
        "",
    ]
    rows = [["rank", "entity", "papers", "earlier", "recent", "rise", "per period"]]
    for i, t in enumerate(r.rising, start=1):
        rows.append(
            [str(i), t.name, str(t.total), str(t.earlier), str(t.recent), f"{t.rise:+.2f}", sparkline(t.counts)]
        )
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    for j, row in enumerate(rows):
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    if not r.rising:
        lines.append(f"(no {r.type} in {r.min_papers} or more dated papers)")
    return "\n".join(lines)
