"""Speed and scale benchmarks for paper-kg; prints markdown tables for the README.

    python scripts/bench.py                      # all: throughput, workers, scale (100k), memory
    python scripts/bench.py throughput           # extraction vs spaCy's bare tokenizer, same run
    python scripts/bench.py workers              # --workers 2 vs 1 (extract_stream), start-up apart
    python scripts/bench.py scale --n 100000     # `kg build SYNTH.jsonl --workers 2`: time, peak RSS
    python scripts/bench.py memory --n 100000    # `kg extract` RSS at 10 %, 50 %, 100 % of the papers

Timings on a shared machine are noisy, so every comparison is measured in the same run,
interleaved, repeated (--repeats), and reported as the best and the median of the repeats.
``--json FILE`` also writes every figure as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "hf-papers"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

DEFAULT_BATCH = 64  # the CLI's --batch-size default
DEFAULT_MODEL = "default"


# -- inputs ----------------------------------------------------------------------------------

def load_papers(paths: Sequence[str | Path] = (SAMPLES,), n: int | None = 2000, seed: int = 0) -> list:
    """The sample papers, resampled (with replacement, fresh ids) to ``n`` for stable timing."""
    from kg.read import read_papers

    base = [p for p in read_papers(list(paths))]
    if n is None:
        return base
    rng = random.Random(seed)
    out = list(base) if n >= len(base) else []
    while len(out) < n:
        p = rng.choice(base)
        out.append(p.model_copy(update={"id": f"{p.id}~{len(out)}"}))
    return out[:n]


def count_words(papers) -> int:
    return sum(len(p.title.split()) + len(p.abstract.split()) for p in papers)


def _timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _summary(times: list[float]) -> dict[str, float]:
    return {"best_s": min(times), "median_s": statistics.median(times), "runs": len(times)}


def _host() -> dict[str, Any]:
    import spacy

    from kg.extract.pipeline import default_model_path

    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "spacy": spacy.__version__,
                            "ner_model": str(default_model_path()) if default_model_path() else "none (rules only)"}
    try:
        info["loadavg"] = [round(x, 1) for x in os.getloadavg()]
    except OSError:
        pass
    return info


# -- 1. throughput ---------------------------------------------------------------------------

def bench_throughput(papers: list, *, model: str | None = DEFAULT_MODEL, batch_size: int = DEFAULT_BATCH,
                     repeats: int = 3, workers: int | None = None) -> dict[str, Any]:
    """The extraction pipeline vs ``spacy.blank("en").make_doc`` over the same title and abstract
    texts, interleaved in one run: in one process, and with the CLI's default ``--workers``
    (a pool, timed once its pipelines are loaded). Every repeat starts cold — a fresh tokenizer,
    a fresh pipeline, fresh worker processes — since a real run never sees a text twice; for the
    same reason the default input is the sample papers as they are, not resampled."""
    import spacy

    from kg.extract.assemble import DEFAULT_MIN_CONFIDENCE
    from kg.extract.run import Extractor, default_workers

    workers = workers or default_workers()
    texts = [t for p in papers for t in (p.title, p.abstract)]
    words = count_words(papers)
    load_s = time.perf_counter()
    ex = Extractor(model)
    load_s = time.perf_counter() - load_s
    list(ex.extract(papers[: min(len(papers), 2 * batch_size)], batch_size=batch_size))  # warm-up

    tok_times, ext_times, pool_times, tok_cpu, ext_cpu = [], [], [], [], []
    for _ in range(repeats):
        blank = spacy.blank("en")
        c = time.process_time()
        tok_times.append(_timed(lambda: [blank.make_doc(t) for t in texts]))
        tok_cpu.append(time.process_time() - c)
        ex = Extractor(model)
        c = time.process_time()
        ext_times.append(_timed(lambda: sum(1 for _ in ex.extract(papers, batch_size=batch_size))))
        ext_cpu.append(time.process_time() - c)
        pool_times.append(_pool_run(papers, workers, model, batch_size, DEFAULT_MIN_CONFIDENCE)["run_s"])
    n = len(papers)
    tok, ext, pool = _summary(tok_times), _summary(ext_times), _summary(pool_times)
    res = {
        "papers": n, "words": words, "model": str(model), "pipe_names": list(ex.nlp.pipe_names),
        "batch_size": batch_size, "pipeline_load_s": load_s, "workers": workers,
        "tokenizer": {**tok, "papers_per_s": n / tok["best_s"], "words_per_s": words / tok["best_s"],
                      "papers_per_s_median": n / tok["median_s"], "papers_per_cpu_s": n / min(tok_cpu)},
        "extract": {**ext, "papers_per_s": n / ext["best_s"], "words_per_s": words / ext["best_s"],
                    "papers_per_s_median": n / ext["median_s"], "papers_per_cpu_s": n / min(ext_cpu)},
        "extract_workers": {**pool, "papers_per_s": n / pool["best_s"], "words_per_s": words / pool["best_s"],
                            "papers_per_s_median": n / pool["median_s"]},
    }
    # Ratios of the paired runs (each repeat measured all three back to back), then the median;
    # the CPU-time ratio (one process) is the one that other load on the machine does not move.
    paired = [t / e for t, e in zip(tok_times, ext_times)]
    res["ratio_extract_to_tokenizer"] = statistics.median(paired)
    res["ratio_paired_runs"] = paired
    res["ratio_cpu"] = statistics.median(t / e for t, e in zip(tok_cpu, ext_cpu))
    res["ratio_workers_to_tokenizer"] = statistics.median(t / w for t, w in zip(tok_times, pool_times))
    res["targets"] = {"ratio>=0.1": res["ratio_workers_to_tokenizer"] >= 0.1,
                      "papers_per_s>=100": res["extract_workers"]["papers_per_s"] >= 100}
    return res


def format_throughput(r: dict[str, Any]) -> str:
    t, e, w = r["tokenizer"], r["extract"], r["extract_workers"]
    return "\n".join([
        f"Throughput: {r['papers']:,} papers ({r['words']:,} words), batch size {r['batch_size']}, "
        f"model {r['model']!r} (pipes: {', '.join(r['pipe_names'])}); best of {e['runs']} "
        f"(median in brackets), each run cold.",
        "",
        "| path | papers/s | words/s | ratio | papers per CPU s | ratio (CPU) |",
        "|---|---:|---:|---:|---:|---:|",
        f"| spaCy bare tokenizer (`spacy.blank(\"en\").make_doc`), one process | {t['papers_per_s']:,.0f} "
        f"({t['papers_per_s_median']:,.0f}) | {t['words_per_s']:,.0f} | 1 | {t['papers_per_cpu_s']:,.0f} | 1 |",
        f"| extraction pipeline, one process (`--workers 1`) | {e['papers_per_s']:,.0f} ({e['papers_per_s_median']:,.0f})"
        f" | {e['words_per_s']:,.0f} | 1/{1 / r['ratio_extract_to_tokenizer']:.1f} | {e['papers_per_cpu_s']:,.0f}"
        f" | 1/{1 / r['ratio_cpu']:.1f} |",
        f"| extraction pipeline, default settings (`--workers {r['workers']}`, pipelines loaded) | "
        f"{w['papers_per_s']:,.0f} ({w['papers_per_s_median']:,.0f}) | {w['words_per_s']:,.0f} | "
        f"1/{1 / r['ratio_workers_to_tokenizer']:.1f} | | |",
        "",
        f"Pipeline load: {r['pipeline_load_s']:.2f} s. Targets (default settings): ratio >= 1/10 "
        f"{'met' if r['targets']['ratio>=0.1'] else 'MISSED'}; >= 100 papers/s "
        f"{'met' if r['targets']['papers_per_s>=100'] else 'MISSED'}.",
    ])


# -- 2. workers ------------------------------------------------------------------------------

def _cpu(pid: int) -> float:
    import psutil

    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def _pool_run(papers: list, workers: int, model, batch_size: int, min_confidence: float) -> dict[str, Any]:
    """extract_stream's pool, timed in two parts: start-up (processes + pipeline load, until
    every worker reports ready) and steady-state extraction. Also the CPU seconds of each
    worker and of the parent (which feeds batches and unpickles results)."""
    import itertools

    from kg.extract.pool import WorkerPool

    t0 = time.perf_counter()
    with WorkerPool(workers, model, min_confidence) as pool:
        pool.wait_ready()
        t1 = time.perf_counter()
        cpu0 = [_cpu(pid) for pid in pool.pids]
        parent0 = time.process_time()
        it = iter(papers)
        batches = iter(lambda: list(itertools.islice(it, batch_size)), [])
        n = sum(len(out) for out in pool.map(batches))
        t2 = time.perf_counter()
        parent = time.process_time() - parent0
        cpu = [_cpu(pid) - c for pid, c in zip(pool.pids, cpu0)]
    assert n == len(papers)
    return {"startup_s": t1 - t0, "run_s": t2 - t1, "cpu_workers": cpu, "cpu_parent": parent}


def bench_workers(papers: list, *, workers: int = 2, model: str | None = DEFAULT_MODEL,
                  batch_size: int = DEFAULT_BATCH, repeats: int = 3) -> dict[str, Any]:
    """``workers`` processes vs one on the same input: steady state (a pool of 1 against a pool of
    N, pipelines loaded) and end to end through ``extract_stream`` (what the CLI runs: one
    process runs in-process, N start a pool), with start-up reported on its own.

    On a machine whose cores are busy with other work, wall-clock speed-up says more about the
    neighbours than about paper-kg, so the CPU seconds are reported too: ``speedup_cpu_bound``
    is what the same work gives with one free core per process (single-process CPU seconds over
    the busiest process's CPU seconds), and ``parallel_efficiency`` is single CPU over total CPU."""
    from kg.extract.assemble import DEFAULT_MIN_CONFIDENCE
    from kg.extract.run import Extractor, extract_stream

    n = len(papers)
    load_s = _timed(lambda: Extractor(model))  # one process's pipeline load, for the report
    one, one_cpu, many, startup, e2e_one, e2e_many, cpu_bound, eff = [], [], [], [], [], [], [], []
    for _ in range(repeats):
        # One worker process against N, through the same pool: both start cold (a fresh
        # tokenizer cache, fresh lru caches), as every real run does. Timing the warm in-process
        # Extractor over texts it has already seen flattered one process by ~15 %.
        r1 = _pool_run(papers, 1, model, batch_size, DEFAULT_MIN_CONFIDENCE)
        one.append(r1["run_s"])
        one_cpu.append(r1["cpu_workers"][0])
        r = _pool_run(papers, workers, model, batch_size, DEFAULT_MIN_CONFIDENCE)
        startup.append(r["startup_s"])
        many.append(r["run_s"])
        cpu_bound.append(one_cpu[-1] / max(*r["cpu_workers"], r["cpu_parent"]))
        eff.append(one_cpu[-1] / (sum(r["cpu_workers"]) + r["cpu_parent"]))
        e2e_one.append(_timed(lambda: sum(1 for _ in extract_stream(papers, model=model, workers=1,
                                                                     batch_size=batch_size))))
        e2e_many.append(_timed(lambda: sum(1 for _ in extract_stream(papers, model=model, workers=workers,
                                                                      batch_size=batch_size))))
    res = {
        "papers": n, "workers": workers, "batch_size": batch_size, "model": str(model),
        "load_1_s": load_s, "startup": _summary(startup),
        "steady_1": {**_summary(one), "papers_per_s": n / min(one), "cpu_s": statistics.median(one_cpu)},
        "steady_n": {**_summary(many), "papers_per_s": n / min(many)},
        "e2e_1": {**_summary(e2e_one), "papers_per_s": n / min(e2e_one)},
        "e2e_n": {**_summary(e2e_many), "papers_per_s": n / min(e2e_many)},
        "speedup_cpu_bound": statistics.median(cpu_bound),
        "parallel_efficiency": statistics.median(eff),
    }
    res["speedup_steady"] = statistics.median(a / b for a, b in zip(one, many))
    res["speedup_e2e"] = statistics.median(a / b for a, b in zip(e2e_one, e2e_many))
    res["speedup_steady_best"] = min(one) / min(many)
    res["targets"] = {"speedup>=1.6": res["speedup_steady"] >= 1.6,
                      "cpu_bound_speedup>=1.6": res["speedup_cpu_bound"] >= 1.6}
    return res


def format_workers(r: dict[str, Any]) -> str:
    w = r["workers"]
    return "\n".join([
        f"Workers: {r['papers']:,} papers, `extract_stream(workers=N)`, batch size {r['batch_size']}, "
        f"model {r['model']!r}; best of {r['steady_1']['runs']}, speed-up = median of paired runs.",
        "",
        "| | papers/s (1 worker) | papers/s (" + str(w) + " workers) | speed-up |",
        "|---|---:|---:|---:|",
        f"| steady state (pipelines loaded) | {r['steady_1']['papers_per_s']:,.0f} | {r['steady_n']['papers_per_s']:,.0f}"
        f" | {r['speedup_steady']:.2f}x (best/best {r['speedup_steady_best']:.2f}x) |",
        f"| end to end (`extract_stream`, incl. start-up) | {r['e2e_1']['papers_per_s']:,.0f} | "
        f"{r['e2e_n']['papers_per_s']:,.0f} | {r['speedup_e2e']:.2f}x |",
        f"| start-up: pipeline load (1 process) / pool fork + load ({w}) | {r['load_1_s']:.2f} s | "
        f"{r['startup']['median_s']:.2f} s | |",
        f"| CPU-bound estimate (one free core per process) | | | {r['speedup_cpu_bound']:.2f}x |",
        "",
        f"Parallel efficiency (1-process CPU s / total CPU s): {r['parallel_efficiency']:.2f}. "
        f"Target >= 1.6x: wall clock {'met' if r['targets']['speedup>=1.6'] else 'MISSED'}, "
        f"CPU-bound estimate {'met' if r['targets']['cpu_bound_speedup>=1.6'] else 'MISSED'}.",
    ])


# -- 3. scale (a subprocess, peak RSS polled) ------------------------------------------------

class RssPoller:
    """Polls a process and its children: peak RSS of the main process and of the whole tree
    (sum of RSS; forked workers share pages, so the sum overstates the real footprint)."""

    def __init__(self, pid: int, interval: float = 0.25):
        import psutil

        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak_main = self.peak_tree = 0
        self.cpu_main = 0.0  # user + system seconds of the main process, as last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def sample(self) -> tuple[int, int]:
        import psutil

        try:
            main = self.proc.memory_info().rss
            t = self.proc.cpu_times()
            self.cpu_main = t.user + t.system
        except psutil.Error:
            return 0, 0
        tree = main
        try:
            for c in self.proc.children(recursive=True):
                try:
                    tree += c.memory_info().rss
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

    def __enter__(self) -> "RssPoller":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def kg_command() -> list[str]:
    exe = Path(sys.executable).with_name("kg")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from kg.cli import main; main()"]


def synth_file(n: int, seed: int, workdir: Path) -> tuple[Path, float, int]:
    """The synthetic corpus (cached in workdir); returns path, generation seconds, words."""
    from synth_corpus import write_corpus

    path = workdir / f"synth-{n}-{seed}.jsonl"
    meta = path.with_suffix(".words")
    if path.exists() and meta.exists():
        return path, 0.0, int(meta.read_text())
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

    r = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited-for descendants, workers included
    return r.ru_utime + r.ru_stime


def bench_scale(n: int = 100_000, *, workers: int = 2, seed: int = 0, workdir: Path | None = None,
                extra_args: Sequence[str] = (), keep: bool = False) -> dict[str, Any]:
    """`kg build SYNTH.jsonl -o graph.json --workers N` as a subprocess: wall time and peak RSS."""
    workdir = workdir or Path(os.environ.get("TMPDIR", "/tmp")) / "kg-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    synth, gen_s, words = synth_file(n, seed, workdir)
    out = workdir / f"graph-{n}.json"
    cmd = kg_command() + ["build", str(synth), "-o", str(out), "--workers", str(workers), *extra_args]
    t, cpu0 = time.perf_counter(), _children_cpu()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with RssPoller(proc.pid) as poll:
        _, err = proc.communicate()
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    res = {"n": n, "words": words, "workers": workers, "cmd": " ".join(cmd), "synth_gen_s": gen_s,
           "synth_bytes": synth.stat().st_size, "wall_s": wall, "papers_per_s": n / wall,
           "peak_rss_main": poll.peak_main, "peak_rss_tree": poll.peak_tree,
           "ru_maxrss_children": _children_maxrss(), "graph_bytes": out.stat().st_size,
           "summary": err.strip().splitlines()[-1] if err.strip() else "",
           "cpu_total_s": _children_cpu() - cpu0, "cpu_main_s": poll.cpu_main}
    # What the same CPU work takes with the machine to itself (2 cores, or `workers` if fewer):
    # the main process (reading, graph, writing) and the workers overlap, so the bound is the
    # largest of the main process alone, the workers spread over theirs, and everything over the cores.
    cores = min(os.cpu_count() or 1, workers + 1)
    res["cpu_bound_wall_s"] = max(res["cpu_main_s"], (res["cpu_total_s"] - res["cpu_main_s"]) / workers,
                                  res["cpu_total_s"] / cores)
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
        f"{_mb(r['synth_bytes'])} JSONL, `scripts/synth_corpus.py`) with `--workers {r['workers']}`.",
        "",
        "| papers | wall time | papers/s | peak RSS (main) | peak RSS (main + workers) | graph file |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {r['n']:,} | {r['wall_s'] / 60:.1f} min ({r['wall_s']:.0f} s) | {r['papers_per_s']:,.0f} | "
        f"{_mb(r['peak_rss_main'])} | {_mb(r['peak_rss_tree'])} | {_mb(r['graph_bytes'])} |",
    ]
    if extrap:
        lines.append(f"| {extrap['n']:,} (extrapolated, linear) | {extrap['wall_s'] / 60:.1f} min | | "
                     f"~{_mb(extrap['peak_rss_main'])} | | |")
    if "cpu_total_s" in r:
        lines += ["", f"CPU: {r['cpu_total_s']:.0f} s in all, {r['cpu_main_s']:.0f} s of it in the main process "
                  f"(reading, graph build, writing); on otherwise idle cores that is about "
                  f"{r['cpu_bound_wall_s'] / 60:.1f} min of wall time."]
    lines += ["", f"`{r['summary']}`. Targets: <= 15 min {'met' if r['targets']['wall<=15min'] else 'MISSED'}; "
              f"<= 3 GB {'met' if r['targets']['rss<=3GB'] else 'MISSED'}."]
    return "\n".join(lines)


# -- 4. memory flatness of streaming extraction ---------------------------------------------

def bench_memory(n: int = 100_000, *, workers: int = 2, seed: int = 0, workdir: Path | None = None,
                 extra_args: Sequence[str] = (), checkpoints: Sequence[float] = (0.1, 0.5, 1.0)) -> dict[str, Any]:
    """`kg extract SYNTH.jsonl -o - --workers N`: RSS when 10 %, 50 %, 100 % of the papers are
    out (stdout is counted here, so progress is exact)."""
    workdir = workdir or Path(os.environ.get("TMPDIR", "/tmp")) / "kg-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    synth, _, _ = synth_file(n, seed, workdir)
    marks = sorted({max(1, round(n * c)) for c in checkpoints})
    cmd = kg_command() + ["extract", str(synth), "-o", "-", "--workers", str(workers), "-q", *extra_args]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    samples: list[dict[str, Any]] = []
    lines = 0
    with RssPoller(proc.pid) as poll:
        assert proc.stdout is not None
        nxt = 0
        while chunk := proc.stdout.read1(1 << 20):
            lines += chunk.count(b"\n")
            while nxt < len(marks) and lines >= marks[nxt] - (1 if marks[nxt] == n else 0):
                main, tree = poll.sample()
                samples.append({"papers": marks[nxt], "rss_main": main, "rss_tree": tree,
                                "t_s": time.perf_counter() - t})
                nxt += 1
        err = proc.stderr.read().decode() if proc.stderr else ""
        proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return {"n": n, "workers": workers, "cmd": " ".join(cmd), "lines": lines, "samples": samples,
            "wall_s": time.perf_counter() - t, "peak_rss_main": poll.peak_main, "peak_rss_tree": poll.peak_tree}


def format_memory(r: dict[str, Any]) -> str:
    lines = [f"Memory while streaming: `kg extract` of {r['n']:,} synthetic papers to stdout, "
             f"`--workers {r['workers']}` ({r['wall_s']:.0f} s).", "",
             "| papers out | RSS main | RSS main + workers |", "|---:|---:|---:|"]
    lines += [f"| {s['papers']:,} | {_mb(s['rss_main'])} | {_mb(s['rss_tree'])} |" for s in r["samples"]]
    lines.append(f"| peak | {_mb(r['peak_rss_main'])} | {_mb(r['peak_rss_tree'])} |")
    return "\n".join(lines)


# -- CLI -------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", default="all", choices=["all", "throughput", "workers", "scale", "memory"])
    ap.add_argument("--papers", type=int, default=None,
                    help="resampled sample papers (default: throughput the 548 samples as they are, workers 2,000)")
    ap.add_argument("--n", type=int, default=100_000, help="synthetic papers for scale/memory")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    ap.add_argument("--model", default=DEFAULT_MODEL, help='"default", a path, or "none"')
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, default=None, help="synthetic corpus and graph (default /tmp/kg-bench)")
    ap.add_argument("--keep", action="store_true", help="keep the built graph file")
    ap.add_argument("--json", type=Path, default=None, help="also write all figures as JSON here")
    a = ap.parse_args(argv)
    model = None if a.model == "none" else a.model
    results: dict[str, Any] = {"host": _host()}
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
        results["workers"] = bench_workers(papers, workers=a.workers, model=model, batch_size=a.batch_size,
                                           repeats=a.repeats)
        emit(format_workers(results["workers"]))
    extra = [] if a.model == DEFAULT_MODEL else ["--model", a.model]
    if a.command in ("all", "scale"):
        results["scale"] = bench_scale(a.n, workers=a.workers, seed=a.seed, workdir=a.workdir,
                                       extra_args=extra, keep=a.keep)
        emit(format_scale(results["scale"]))
    if a.command in ("all", "memory"):
        results["memory"] = bench_memory(a.n, workers=a.workers, seed=a.seed, workdir=a.workdir,
                                         extra_args=extra)
        emit(format_memory(results["memory"]))
    if a.json:
        a.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
