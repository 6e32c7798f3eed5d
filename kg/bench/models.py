"""The shipped models side by side: `kg extract` with the default (transformer) and the fast
(CNN) model on the same papers, in the same run, interleaved.

    python -m kg.bench.models                  # the 548 samples, default workers, 2 repeats each
    python -m kg.bench.models --papers 2000 --repeats 3 --json out/models.json

Each run is a whole `kg extract` process (start-up and model load included, as a user sees
it) writing to a file; papers/s is papers over wall time, CPU is every process's user+system
time, and peak RSS is the largest sum of the resident memory of the process and all its
children (the worker pool), sampled every 50 ms. Timings on a shared machine are noisy: compare
the two models within one run, never with another day's figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kg.bench.common import SAMPLES, host_info, load_papers
from kg.bench.scale import RssPoller

MODELS = ("default", "fast")


def _run(cmd: list[str]) -> dict[str, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with RssPoller(proc.pid, interval=0.05) as poll:
        _, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode().strip()[-400:]}")
    return {"wall_s": wall, "cpu_s": poll.cpu_tree, "peak_rss_mb": poll.peak_tree / 2**20}


def bench_models(
    papers: int | None, repeats: int, workers: int | None, models: tuple[str, ...] = MODELS
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "papers.jsonl"
        # the sample listings repeat a few papers; extraction refuses a repeated id
        records = list({p.id: p for p in load_papers((SAMPLES,), n=papers)}.values())
        source.write_text("".join(p.model_dump_json() + "\n" for p in records), encoding="utf-8")
        runs: dict[str, list[dict[str, float]]] = {m: [] for m in models}
        for _ in range(repeats):
            for model in models:  # interleaved: both see the same machine
                cmd = [
                    sys.executable,
                    "-m",
                    "kg",
                    "extract",
                    str(source),
                    "-o",
                    str(Path(tmp) / "out.jsonl"),
                    "--model",
                    model,
                    "-q",
                ]
                if workers:
                    cmd += ["--workers", str(workers)]
                runs[model].append(_run(cmd))
    n = len(records)
    table = {}
    for model, rs in runs.items():
        best = min(r["wall_s"] for r in rs)
        table[model] = {
            "papers": n,
            "papers_per_s_best": n / best,
            "papers_per_s_median": n / statistics.median(r["wall_s"] for r in rs),
            "papers_per_cpu_s": n / min(r["cpu_s"] for r in rs),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in rs),
            "runs": rs,
        }
    return {"host": host_info(), "workers": workers or "default", "models": table}


def format_models(r: dict[str, Any]) -> str:
    lines = [
        f"`kg extract` of {next(iter(r['models'].values()))['papers']} papers, workers {r['workers']}, "
        f"{r['host'].get('cpus')} CPUs, load {r['host'].get('loadavg')}",
        "| model | papers/s (best) | papers/s (median) | papers per CPU-second | peak RSS, all processes |",
        "|---|---:|---:|---:|---:|",
    ]
    for model, s in r["models"].items():
        lines.append(
            f"| `--model {model}` | {s['papers_per_s_best']:.1f} | {s['papers_per_s_median']:.1f} | "
            f"{s['papers_per_cpu_s']:.1f} | {s['peak_rss_mb']:.0f} MB |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", type=int, default=None, help="resample the samples to N papers (default: the 548)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--workers", type=int, default=None, help="default: kg extract's default")
    ap.add_argument("--model", action="append", dest="models", help="models to compare (default: default, fast)")
    ap.add_argument("--json", type=Path, help="also write every figure as JSON")
    a = ap.parse_args(argv)
    r = bench_models(a.papers, a.repeats, a.workers, tuple(a.models or MODELS))
    print(format_models(r))
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(r, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
