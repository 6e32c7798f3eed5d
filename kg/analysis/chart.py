"""The trends chart: papers per period of the rising entities, with matplotlib (Agg, no display).

SVG output is byte-for-byte reproducible: a fixed ``svg.hashsalt`` for the element ids and no
creation date in the metadata.
"""

from __future__ import annotations

from pathlib import Path

from kg.analysis.trends import TrendReport
from kg.errors import InputError, UsageError
from kg.io.atomic import atomic_write

__all__ = ["CHART_FORMATS", "write_chart"]

CHART_FORMATS = (".svg", ".png")


def write_chart(report: TrendReport, path: str | Path) -> None:
    """Line chart of each rising entity's papers per period; the corpus total on a second axis."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in CHART_FORMATS:
        raise InputError(str(target), None, "a chart is written as .svg or .png")
    try:
        import matplotlib
    except ImportError:
        raise UsageError("kg trends -o needs the plot extra: pip install 'paper-kg[plot]'") from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"svg.hashsalt": "paper-kg", "svg.fonttype": "none", "font.size": 9}):
        fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
        x = list(range(len(report.periods)))
        for t in report.rising:
            ax.plot(x, t.counts, marker="o", markersize=3, linewidth=1.6, label=f"{t.name} ({t.rise:+.1f})")
        ax.bar(x, report.papers_per_period, color="#d0d7de", alpha=0.5, label="all dated papers", zorder=0)
        ax.set_xticks(x, report.periods, rotation=45 if len(x) > 8 else 0, ha="right" if len(x) > 8 else "center")
        ax.set_ylabel("papers")
        ax.set_title(
            f"Rising {report.type} entities, papers per {report.by} "
            f"({report.dated} dated papers; {report.undated} without a date not shown)"
        )
        ax.legend(loc="upper left", fontsize=7, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        metadata = {"Date": None} if suffix == ".svg" else {"Software": None}
        with atomic_write(target, "wb") as fh:
            fig.savefig(fh, format=suffix[1:], metadata=metadata)
        plt.close(fig)
