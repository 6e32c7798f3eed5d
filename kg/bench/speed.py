"""Speed and scale benchmarks for paper-kg; prints markdown tables for the README.

    python -m kg.bench.speed                     # all, quick: throughput, workers, scale, memory (~3 min)
    python -m kg.bench.speed throughput          # extraction vs spaCy's bare tokenizer, same run
    python -m kg.bench.speed workers             # --workers 2 vs 1 (extract_stream), start-up apart
    python -m kg.bench.speed scale               # `kg build SYNTH.jsonl --workers 2` of 5,000 papers
    python -m kg.bench.speed memory              # `kg extract` RSS at 10 %, 50 %, 100 % of 5,000 papers
    python -m kg.bench.speed scale --full        # the README's figures: 100,000 papers (~7 min each)

scale and memory run 5,000 synthetic papers (about a minute each) unless --full (100,000) or
--n says otherwise; progress goes to stderr, the tables to stdout.

Timings on a shared machine are noisy, so every comparison is measured in the same run,
interleaved, repeated (--repeats), and reported as the best and the median of the repeats.
``--json FILE`` also writes every figure as JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kg.bench.common import DEFAULT_BATCH, DEFAULT_MODEL, host_info, load_papers
from kg.bench.scale import bench_memory, bench_scale, format_memory, format_scale
from kg.bench.throughput import bench_throughput, bench_workers, format_throughput, format_workers

# -- CLI -------------------------------------------------------------------------------------


QUICK_N = 5_000  # scale and memory by default: about a minute each on 2 cores
FULL_N = 100_000  # --full: the README's scale figures (~7 min, 150 MB of JSONL)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", default="all", choices=["all", "throughput", "workers", "scale", "memory"])
    ap.add_argument(
        "--papers",
        type=int,
        default=None,
        help="resampled sample papers (default: throughput the 548 samples as they are, workers 2,000)",
    )
    ap.add_argument(
        "--n",
        type=int,
        default=None,
        help=f"synthetic papers for scale/memory (default {QUICK_N:,}; --full: {FULL_N:,})",
    )
    ap.add_argument("--full", action="store_true", help=f"scale/memory at {FULL_N:,} papers, as in the README")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    ap.add_argument("--model", default=DEFAULT_MODEL, help='"default", a path, or "none"')
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, default=None, help="synthetic corpus and graph (default /tmp/kg-bench)")
    ap.add_argument("--keep", action="store_true", help="keep the built graph file")
    ap.add_argument("--json", type=Path, default=None, help="also write all figures as JSON here")
    a = ap.parse_args(argv)
    if a.n is None:
        a.n = FULL_N if a.full else QUICK_N
    return a


def main(argv: list[str] | None = None) -> None:
    a = parse_args(argv)
    model = None if a.model == "none" else a.model
    results: dict[str, Any] = {"host": host_info()}
    out: list[str] = []

    def emit(text: str) -> None:
        out.append(text)
        print(text + "\n", flush=True)

    emit(f"Host: {results['host']}")
    if a.command in ("all", "throughput"):
        # The samples as they are unless --papers asks for a resampled set (repeats warm caches).
        papers = load_papers(n=a.papers, seed=a.seed)
        results["throughput"] = bench_throughput(papers, model=model, batch_size=a.batch_size, repeats=a.repeats)
        emit(format_throughput(results["throughput"]))
    if a.command in ("all", "workers"):
        papers = load_papers(n=a.papers or 2000, seed=a.seed)
        results["workers"] = bench_workers(
            papers, workers=a.workers, model=model, batch_size=a.batch_size, repeats=a.repeats
        )
        emit(format_workers(results["workers"]))
    extra = [] if a.model == DEFAULT_MODEL else ["--model", a.model]
    if a.command in ("all", "scale"):
        results["scale"] = bench_scale(
            a.n, workers=a.workers, seed=a.seed, workdir=a.workdir, extra_args=extra, keep=a.keep
        )
        emit(format_scale(results["scale"]))
    if a.command in ("all", "memory"):
        results["memory"] = bench_memory(a.n, workers=a.workers, seed=a.seed, workdir=a.workdir, extra_args=extra)
        emit(format_memory(results["memory"]))
    if a.json:
        a.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
