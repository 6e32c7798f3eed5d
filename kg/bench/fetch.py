"""``kg fetch arxiv`` against a loopback replay of the arXiv API: memory, spacing, a killed fetch.

    .venv/bin/python -m kg.bench.fetch [--records 1000] [--page-size 100] [--delay 1.0]

Runs the real CLI in a subprocess (``python -m kg fetch arxiv --api-url http://127.0.0.1:…``)
against tests/replay_server.py (the benchmarks run from a checkout), and reports as JSON:

* ``fetch``: wall time, peak RSS of the fetch process (sampled every 10 ms), the smallest gap
  between the starts of two requests as the server saw them (against ``--delay``), papers written;
* ``fetch_10x``: the same with ten times the records and pages at no delay: memory stays flat
  when its peak RSS is that of ``fetch``;
* ``killed``: a fetch SIGKILLed once four pages are saved, then run again: which pages the second
  run asked for, papers written, and whether any paper id is there twice;
* ``update``: a graph of 150 of 200 replayed papers (``kg build --model MODEL``), ``kg update
  --fetch arxiv --html`` (50 new), then the same again with nothing new: its time, its summary,
  and whether the graph, its extractions and the page kept their bytes and modification times.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import psutil

from kg.bench.common import ROOT


def _replay() -> ModuleType:
    spec = importlib.util.spec_from_file_location("replay_server", ROOT / "tests" / "replay_server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["replay_server"] = module
    spec.loader.exec_module(module)
    return module


def _command(url: str, out: Path, page_size: int, delay: float, n: int) -> list[str]:
    return [sys.executable, "-m", "kg", "fetch", "arxiv", "--api-url", url, "--category", "cs.CV", "--max", str(n),
            "--page-size", str(page_size), "--delay", str(delay), "-q", "-o", str(out)]  # fmt: skip


def _run(cmd: list[str], until: Path | None = None, pages: int = 0) -> tuple[float, int, int]:
    """(seconds, peak RSS in bytes, exit code); with ``until``, SIGKILL once its state holds ``pages`` pages."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, ps.memory_info().rss)
        except psutil.Error:
            break
        if until is not None and until.exists():
            try:
                saved = len(json.loads(until.read_text())["pages"])
            except (OSError, ValueError):
                saved = 0
            if saved >= pages:
                os.kill(proc.pid, signal.SIGKILL)
        time.sleep(0.01)
    proc.wait()
    if proc.returncode not in (0, -signal.SIGKILL):
        sys.exit(f"kg fetch failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return time.perf_counter() - t0, peak, proc.returncode


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def _fetch(replay: ModuleType, work: Path, n: int, page_size: int, delay: float) -> dict[str, Any]:
    records = [replay.record(i) for i in range(n)]
    out = work / f"fetch-{n}.jsonl"
    with replay.ReplayServer(replay.arxiv_api(records)) as server:
        seconds, peak, _ = _run(_command(server.url, out, page_size, delay, n))
        gaps = server.gaps()
        requests = len(server.requests)
    ids = _ids(out)
    return {
        "records": n,
        "requests": requests,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak / 2**20, 1),
        "delay_s": delay,
        "min_gap_s": round(min(gaps), 3) if gaps else None,
        "papers": len(ids),
        "duplicates": len(ids) - len(set(ids)),
    }


def _killed(replay: ModuleType, work: Path, n: int, page_size: int, delay: float) -> dict[str, Any]:
    records = [replay.record(i) for i in range(n)]
    out = work / "killed.jsonl"
    state = work / "killed.raw" / ".state.json"
    with replay.ReplayServer(replay.arxiv_api(records)) as server:
        cmd = _command(server.url, out, page_size, delay, n)
        _, _, code = _run(cmd, until=state, pages=4)
        saved = len(json.loads(state.read_text())["pages"])
        first = len(server.requests)
        seconds, _, _ = _run(cmd)
        asked = [int(r.params["start"]) for r in server.requests[first:]]
    ids = _ids(out)
    return {
        "killed_with": "SIGKILL" if code == -signal.SIGKILL else f"exit {code}",
        "pages_saved_when_killed": saved,
        "requests_before_kill": first,
        "resumed_asked_starts": asked,
        "resume_seconds": round(seconds, 2),
        "papers": len(ids),
        "duplicates": len(ids) - len(set(ids)),
        "all_records": sorted(ids) == sorted(r["id"] for r in records),
    }


def _kg(*args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"kg {args[0]} failed: {done.stderr}")
    return time.perf_counter() - t0, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""


def _state(*paths: Path) -> list[tuple[str, int]]:
    return [(hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in paths]


def _update(replay: ModuleType, work: Path, model: str) -> dict[str, Any]:
    records = [replay.record(i) for i in range(200)]
    first = work / "first.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in records[:150]), encoding="utf-8")
    graph, page = work / "graph.json", work / "graph.html"
    _kg("build", str(first), "-o", str(graph), "--model", model, "-q")
    env = {**os.environ, "KG_FETCH_MIN_DELAY": "0"}
    with replay.ReplayServer(replay.arxiv_api(records)) as server:
        args = ["update", str(graph), "--fetch", "arxiv", "--api-url", server.url, "--category", "cs.CV",
                "--model", model, "--html", str(page)]  # fmt: skip
        new_s, new_line = _kg(*args, env=env)
        files = (graph, Path(str(graph) + ".extractions.jsonl"), page)
        before = _state(*files)
        idle_s, idle_line = _kg(*args, env=env)
        after = _state(*files)
    return {
        "model": model,
        "with_50_new": {"seconds": round(new_s, 2), "summary": new_line},
        "nothing_new": {"seconds": round(idle_s, 2), "summary": idle_line},
        "graph_extractions_page_unchanged": before == after,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=1000)
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--delay", type=float, default=1.0, help="kg fetch --delay for the timed and killed runs")
    ap.add_argument("--model", default="fast", help="kg build/update --model for the update runs")
    ap.add_argument("--only", choices=("fetch", "update"), default=None, help="Run only these measurements.")
    args = ap.parse_args(argv)
    replay = _replay()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        report: dict[str, Any] = {"cpus": os.cpu_count()}
        if args.only in (None, "fetch"):
            report["fetch"] = _fetch(replay, work, args.records, args.page_size, args.delay)
            report["fetch_10x"] = _fetch(replay, work, args.records * 10, args.page_size, 0.0)
            report["killed"] = _killed(replay, work, args.records, args.page_size, args.delay)
        if args.only in (None, "update"):
            report["update"] = _update(replay, work, args.model)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
