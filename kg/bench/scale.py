"""Scale and memory: ``kg build`` of a large synthetic corpus in a subprocess (wall time, peak
RSS), and ``kg extract``'s RSS as it streams (``memory``). ``python -m kg.bench.speed`` runs them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from kg.bench.synth import write_corpus

# -- 3. scale (a subprocess, peak RSS polled) ------------------------------------------------


class RssPoller:
    """Polls a process and its children: peak RSS of the main process and of the whole tree
    (sum of RSS; forked workers share pages, so the sum overstates the real footprint), and the
    CPU time of every process of the tree as last seen.

    CPU is polled rather than read from ``RUSAGE_CHILDREN`` because that counts only descendants
    their parent waited for: a forkserver's pool workers are children of the forkserver, not of
    ``kg``, and were missing from it."""

    def __init__(self, pid: int, interval: float = 0.25):
        import psutil

        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak_main = self.peak_tree = 0
        self.cpu_main = 0.0  # user + system seconds of the main process, as last seen
        self._cpu: dict[int, float] = {}  # pid -> user + system seconds, as last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @property
    def cpu_tree(self) -> float:
        """User + system seconds of the process and every child seen (up to one interval short
        for a process that ended between two samples)."""
        return sum(self._cpu.values())

    def _cpu_of(self, proc) -> float:
        t = proc.cpu_times()
        self._cpu[proc.pid] = t.user + t.system
        return self._cpu[proc.pid]

    def sample(self) -> tuple[int, int]:
        import psutil

        try:
            main = self.proc.memory_info().rss
            self.cpu_main = self._cpu_of(self.proc)
        except psutil.Error:
            return 0, 0
        tree = main
        try:
            for c in self.proc.children(recursive=True):
                try:
                    tree += c.memory_info().rss
                    self._cpu_of(c)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        self.peak_main, self.peak_tree = max(self.peak_main, main), max(self.peak_tree, tree)
        return main, tree

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> RssPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def kg_command() -> list[str]:
    exe = Path(sys.executable).with_name("kg")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from kg.cli import main; main()"]


def progress(text: str) -> None:
    """One line of progress on stderr (the tables go to stdout)."""
    print(text, file=sys.stderr, flush=True)


def synth_file(n: int, seed: int, workdir: Path) -> tuple[Path, float, int]:
    """The synthetic corpus (cached in workdir); returns path, generation seconds, words."""
    path = workdir / f"synth-{n}-{seed}.jsonl"
    meta = path.with_suffix(".words")
    if path.exists() and meta.exists():
        progress(f"using {n:,} synthetic papers from {path}")
        return path, 0.0, int(meta.read_text())
    progress(f"writing {n:,} synthetic papers to {path} …")
    t = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    words = write_corpus(tmp, n, seed)
    tmp.rename(path)
    meta.write_text(str(words))
    return path, time.perf_counter() - t, words


def _children_maxrss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)  # descendants their parents waited for
    return r.ru_utime + r.ru_stime


def bench_scale(
    n: int = 100_000,
    *,
    workers: int = 2,
    seed: int = 0,
    workdir: Path | None = None,
    extra_args: Sequence[str] = (),
    keep: bool = False,
) -> dict[str, Any]:
    """`kg build SYNTH.jsonl -o graph.json --workers N` as a subprocess: wall time and peak RSS."""
    workdir = workdir or Path(os.environ.get("TMPDIR", "/tmp")) / "kg-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    synth, gen_s, words = synth_file(n, seed, workdir)
    out = workdir / f"graph-{n}.json"
    cmd = kg_command() + ["build", str(synth), "-o", str(out), "--workers", str(workers), *extra_args]
    progress(f"scale: {' '.join(cmd)}")
    t, cpu0 = time.perf_counter(), _children_cpu()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, text=True)
        with RssPoller(proc.pid) as poll:
            while True:
                try:
                    proc.wait(timeout=10)
                    break
                except subprocess.TimeoutExpired:
                    progress(
                        f"scale: {time.perf_counter() - t:,.0f} s, RSS main {_mb(poll.peak_main)}, "
                        f"main + workers {_mb(poll.peak_tree)}"
                    )
        log.seek(0)
        err = log.read()
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    res: dict[str, Any] = {
        "n": n,
        "words": words,
        "workers": workers,
        "cmd": " ".join(cmd),
        "synth_gen_s": gen_s,
        "synth_bytes": synth.stat().st_size,
        "wall_s": wall,
        "papers_per_s": n / wall,
        "peak_rss_main": poll.peak_main,
        "peak_rss_tree": poll.peak_tree,
        "ru_maxrss_children": _children_maxrss(),
        "graph_bytes": out.stat().st_size,
        "summary": err.strip().splitlines()[-1] if err.strip() else "",
        # the larger: rusage has the last moments of waited-for processes, the poll has the
        # forkserver's workers (see RssPoller)
        "cpu_total_s": max(_children_cpu() - cpu0, poll.cpu_tree),
        "cpu_main_s": poll.cpu_main,
    }
    # What the same CPU work takes with the machine to itself (2 cores, or `workers` if fewer):
    # the main process (reading, graph, writing) and the workers overlap, so the bound is the
    # largest of the main process alone, the workers spread over theirs, and everything over the cores.
    cores = min(os.cpu_count() or 1, workers + 1)
    res["cpu_bound_wall_s"] = max(
        res["cpu_main_s"], (res["cpu_total_s"] - res["cpu_main_s"]) / workers, res["cpu_total_s"] / cores
    )
    res["targets"] = {"wall<=15min": wall <= 900, "rss<=3GB": poll.peak_main <= 3 * 2**30}
    if not keep:
        out.unlink(missing_ok=True)
    return res


def _mb(b: int) -> str:
    return f"{b / 2**20:,.0f} MB"


def format_scale(r: dict[str, Any]) -> str:
    extrap = r.get("extrapolated_to")
    lines = [
        f"Scale: `kg build` of {r['n']:,} synthetic abstracts ({r['words']:,} words, "
        f"{_mb(r['synth_bytes'])} JSONL, `python -m kg.bench.synth`) with `--workers {r['workers']}`.",
        "",
        "| papers | wall time | papers/s | peak RSS (main) | peak RSS (main + workers) | graph file |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {r['n']:,} | {r['wall_s'] / 60:.1f} min ({r['wall_s']:.0f} s) | {r['papers_per_s']:,.0f} | "
        f"{_mb(r['peak_rss_main'])} | {_mb(r['peak_rss_tree'])} | {_mb(r['graph_bytes'])} |",
    ]
    if extrap:
        lines.append(
            f"| {extrap['n']:,} (extrapolated, linear) | {extrap['wall_s'] / 60:.1f} min | | "
            f"~{_mb(extrap['peak_rss_main'])} | | |"
        )
    if "cpu_total_s" in r:
        lines += [
            "",
            f"CPU: {r['cpu_total_s']:.0f} s in all, {r['cpu_main_s']:.0f} s of it in the main process "
            f"(reading, graph build, writing); on otherwise idle cores that is about "
            f"{r['cpu_bound_wall_s'] / 60:.1f} min of wall time.",
        ]
    lines += [
        "",
        f"`{r['summary']}`. Targets: <= 15 min {'met' if r['targets']['wall<=15min'] else 'MISSED'}; "
        f"<= 3 GB {'met' if r['targets']['rss<=3GB'] else 'MISSED'}.",
    ]
    return "\n".join(lines)


# -- 4. memory flatness of streaming extraction ---------------------------------------------


def bench_memory(
    n: int = 100_000,
    *,
    workers: int = 2,
    seed: int = 0,
    workdir: Path | None = None,
    extra_args: Sequence[str] = (),
    checkpoints: Sequence[float] = (0.1, 0.5, 1.0),
) -> dict[str, Any]:
    """`kg extract SYNTH.jsonl -o - --workers N`: RSS when 10 %, 50 %, 100 % of the papers are
    out (stdout is counted here, so progress is exact)."""
    workdir = workdir or Path(os.environ.get("TMPDIR", "/tmp")) / "kg-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    synth, _, _ = synth_file(n, seed, workdir)
    marks = sorted({max(1, round(n * c)) for c in checkpoints})
    cmd = kg_command() + ["extract", str(synth), "-o", "-", "--workers", str(workers), "-q", *extra_args]
    progress(f"memory: {' '.join(cmd)}")
    t = shown = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    samples: list[dict[str, Any]] = []
    lines = 0
    with RssPoller(proc.pid) as poll:
        stdout = cast(io.BufferedReader, proc.stdout)
        nxt = 0
        while chunk := stdout.read1(1 << 20):
            lines += chunk.count(b"\n")
            while nxt < len(marks) and lines >= marks[nxt] - (1 if marks[nxt] == n else 0):
                main, tree = poll.sample()
                samples.append(
                    {"papers": marks[nxt], "rss_main": main, "rss_tree": tree, "t_s": time.perf_counter() - t}
                )
                nxt += 1
            if time.perf_counter() - shown >= 5:
                shown = time.perf_counter()
                progress(f"memory: {lines:,}/{n:,} papers out, {shown - t:,.0f} s, RSS main {_mb(poll.peak_main)}")
        err = proc.stderr.read().decode() if proc.stderr else ""
        proc.wait()
    progress(f"memory: {lines:,}/{n:,} papers out in {time.perf_counter() - t:,.0f} s")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return {
        "n": n,
        "workers": workers,
        "cmd": " ".join(cmd),
        "lines": lines,
        "samples": samples,
        "wall_s": time.perf_counter() - t,
        "peak_rss_main": poll.peak_main,
        "peak_rss_tree": poll.peak_tree,
    }


def format_memory(r: dict[str, Any]) -> str:
    lines = [
        f"Memory while streaming: `kg extract` of {r['n']:,} synthetic papers to stdout, "
        f"`--workers {r['workers']}` ({r['wall_s']:.0f} s).",
        "",
        "| papers out | RSS main | RSS main + workers |",
        "|---:|---:|---:|",
    ]
    lines += [f"| {s['papers']:,} | {_mb(s['rss_main'])} | {_mb(s['rss_tree'])} |" for s in r["samples"]]
    lines.append(f"| peak | {_mb(r['peak_rss_main'])} | {_mb(r['peak_rss_tree'])} |")
    return "\n".join(lines)
