"""Issue 22's figures: extraction on Dask and the streaming export, each command a subprocess whose
wall time and peak RSS (per process) are measured here.

    python -m kg.bench.cluster compare            # --cluster local:2 against --workers 2, 2,000 papers
    python -m kg.bench.cluster scale --model fast # 100,000 synthetic abstracts: cluster, streaming
                                                  # export, the NetworkX export beside it, projection

Both sides of a comparison run in one invocation, one after the other, on the same input: other
work on the machine moves both, so the ratio is the figure to quote, not the absolute times.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kg.bench.scale import RssPoller, kg_command, progress, synth_file


class ProcessPeaks(RssPoller):
    """RssPoller, plus the peak RSS of every process of the tree by what it is."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(pid, interval)
        self.peaks: dict[int, tuple[str, int]] = {}

    def sample(self) -> tuple[int, int]:
        import psutil

        out = super().sample()
        try:
            procs = [self.proc, *self.proc.children(recursive=True)]
        except psutil.Error:
            return out
        for p in procs:
            try:
                rss, what = p.memory_info().rss, _role(p.cmdline())
            except psutil.Error:
                continue
            self.peaks[p.pid] = (what, max(rss, self.peaks.get(p.pid, ("", 0))[1]))
        return out

    def by_role(self) -> dict[str, list[int]]:
        roles: dict[str, list[int]] = {}
        for what, rss in self.peaks.values():
            roles.setdefault(what, []).append(rss)
        return {k: sorted(v, reverse=True) for k, v in sorted(roles.items())}


def _role(cmdline: list[str]) -> str:
    text = " ".join(cmdline)
    if "forkserver" in text:
        return "forkserver"
    if "multiprocessing" in text or "spawn_main" in text:
        return "worker process"
    if "kg" in text and ("extract" in text or "export" in text or "build" in text):
        return "kg (main)"
    return cmdline[0].rsplit("/", 1)[-1] if cmdline else "?"


def run(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd``; its wall time, peak RSS of the main process, of the tree and per process."""
    progress("$ " + " ".join(cmd))
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, text=True)
        poll = ProcessPeaks(proc.pid)
        with poll:
            proc.wait()
        log.seek(0)
        err = log.read()
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    progress(f"  {wall:,.1f} s, peak RSS main {_mb(poll.peak_main)}")
    return {
        "cmd": " ".join(cmd),
        "wall_s": wall,
        "peak_rss_main": poll.peak_main,
        "peak_rss_tree": poll.peak_tree,
        "peak_rss_by_role": poll.by_role(),
        "cpu_s": poll.cpu_tree,
        "summary": err.strip().splitlines()[-1] if err.strip() else "",
    }


def _mb(b: int) -> str:
    return f"{b / 2**20:,.0f} MB"


def _parts_bytes(outdir: Path) -> bytes:
    return b"".join(gzip.decompress(p.read_bytes()) for p in sorted(outdir.glob("part-*.jsonl.gz")))


def compare(n: int = 2000, model: str = "default", workdir: Path | None = None) -> dict[str, Any]:
    """``kg extract --workers 2`` and ``kg extract --cluster local:2`` on the same ``n`` papers."""
    workdir = workdir or Path(tempfile.gettempdir()) / "kg-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    synth, _, _ = synth_file(n, 0, workdir)
    single, parts = workdir / f"workers-{n}.jsonl", workdir / f"cluster-{n}"
    shutil.rmtree(parts, ignore_errors=True)
    kg = kg_command()
    res: dict[str, Any] = {"n": n, "model": model}
    res["workers"] = run([*kg, "extract", str(synth), "-o", str(single), "--workers", "2", "--model", model, "-q"])
    res["cluster"] = run([*kg, "extract", str(synth), "-o", str(parts), "--cluster", "local:2", "--model", model, "-q"])
    res["ratio"] = res["workers"]["wall_s"] / res["cluster"]["wall_s"]  # cluster throughput / workers'
    res["identical"] = _parts_bytes(parts) == single.read_bytes()
    return res


def _row_digests(directory: Path) -> dict[str, tuple[list[str], set[bytes], int]]:
    """Each CSV's header, the set of its rows' SHA-1s, its row count: equality as sets of rows
    without holding 100,000 papers' rows."""
    csv.field_size_limit(1 << 30)
    out = {}
    for f in sorted(directory.glob("*.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            digests, count = set(), 0
            for row in reader:
                digests.add(hashlib.sha1("\x00".join(row).encode()).digest())
                count += 1
        out[f.name] = (header, digests, count)
    return out


def entity_growth(parts: Path, points: int = 10) -> list[tuple[int, int, int]]:
    """(papers, distinct entities, entity-paper pairs) after each tenth of the corpus."""
    total = json.loads((parts / "manifest.json").read_text())["papers"]
    step = max(1, total // points)
    seen: set[str] = set()
    pairs = papers = 0
    out = []
    for p in sorted(parts.glob("part-*.jsonl.gz")):
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            for line in fh:
                ids = {e["id"] for e in json.loads(line)["entities"]}
                seen |= ids
                pairs += len(ids)
                papers += 1
                if papers % step == 0 or papers == total:
                    out.append((papers, len(seen), pairs))
    return out


def _fit(growth: list[tuple[int, int, int]]) -> tuple[float, float]:
    """Distinct entities ~ a * papers**b, least squares on logs over the second half."""
    xs = [math.log(n) for n, _, _ in growth[len(growth) // 2 :]]
    ys = [math.log(e) for _, e, _ in growth[len(growth) // 2 :]]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return math.exp(my - b * mx), b


def scale(n: int = 100_000, model: str = "fast", workdir: Path | None = None, nx: bool = True) -> dict[str, Any]:
    workdir = workdir or Path(tempfile.gettempdir()) / "kg-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    synth, _, words = synth_file(n, 0, workdir)
    parts, stream, whole = workdir / f"cluster-{n}", workdir / f"stream-{n}", workdir / f"nx-{n}"
    kg = kg_command()
    res: dict[str, Any] = {"n": n, "model": model, "words": words}
    if not (parts / "manifest.json").exists() or not json.loads((parts / "manifest.json").read_text())["complete"]:
        res["extract"] = run([*kg, "extract", str(synth), "-o", str(parts), "--cluster", "local:2", "--model", model])
    shutil.rmtree(stream, ignore_errors=True)
    res["stream_export"] = run([*kg, "export", "--format", "neo4j-admin", str(stream), str(parts)])
    res["csv_bytes"] = sum(f.stat().st_size for f in stream.glob("*.csv"))
    first = sorted(parts.glob("part-*.jsonl.gz"))
    tenth = first[: max(1, len(first) // 10)]
    small = workdir / f"stream-{n}-tenth"
    shutil.rmtree(small, ignore_errors=True)
    res["stream_export_tenth"] = run([*kg, "export", "--format", "neo4j-admin", str(small), *map(str, tenth)])
    res["tenth_papers"] = sum(1 for p in tenth for _ in gzip.open(p, "rt", encoding="utf-8"))
    growth = entity_growth(parts)
    res["growth"] = growth
    res["fit"] = _fit(growth)
    if nx:
        joined = workdir / f"extractions-{n}.jsonl"
        joined.write_bytes(_parts_bytes(parts))
        shutil.rmtree(whole, ignore_errors=True)
        res["nx_export"] = run([*kg, "export", "--format", "neo4j-admin", str(whole), "--graph", str(joined)])
        res["equal_rows"] = _row_digests(whole) == _row_digests(stream)
        joined.unlink()
    res["projection"] = project(res)
    return res


def project(r: dict[str, Any]) -> dict[str, Any]:
    """1M and 10M papers from the per-paper costs measured here and the entity growth fitted."""
    a, b = r["fit"]
    n, last = r["n"], r["growth"][-1]
    pairs_per_paper = last[2] / last[0]
    out: dict[str, Any] = {}
    ex = r.get("extract")
    s, t = r["stream_export"], r["stream_export_tenth"]
    # peak RSS of the export: a base plus a cost per distinct entity (two points: a tenth, all)
    e_small = a * r["tenth_papers"] ** b
    per_entity = (s["peak_rss_main"] - t["peak_rss_main"]) / max(1.0, last[1] - e_small)
    base = s["peak_rss_main"] - per_entity * last[1]
    for target in (1_000_000, 10_000_000):
        entities = a * target**b
        row = {
            "entities": entities,
            "entity_paper_pairs": pairs_per_paper * target,
            "export_s": s["wall_s"] * target / n,
            "export_rss": base + per_entity * entities + 4 * pairs_per_paper * (target - n),
        }
        if ex:
            row["extract_cpu_s"] = ex["cpu_s"] * target / n
        out[str(target)] = row
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m kg.bench.cluster", description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["compare", "scale"])
    ap.add_argument("-n", type=int, default=None, help="papers (compare: 2,000; scale: 100,000)")
    ap.add_argument("--model", default=None, help="compare: default; scale: fast")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--no-nx", action="store_true", help="scale: skip the NetworkX export beside it")
    args = ap.parse_args(argv)
    if args.what == "compare":
        res = compare(args.n or 2000, args.model or "default", args.workdir)
    else:
        res = scale(args.n or 100_000, args.model or "fast", args.workdir, nx=not args.no_nx)
    json.dump(res, sys.stdout, indent=1, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
