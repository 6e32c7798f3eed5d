"""``kg fetch arxiv`` against a loopback replay of the arXiv API: memory, spacing, a killed fetch.

    .venv/bin/python -m kg.bench.fetch [--records 1000] [--page-size 100] [--delay 1.0]

Runs the real CLI in a subprocess (``python -m kg fetch arxiv --api-url http://127.0.0.1:…``)
against tests/replay_server.py (the benchmarks run from a checkout), and reports as JSON:

* ``fetch``: wall time, peak RSS of the fetch process (sampled every 10 ms), the smallest gap
  between the starts of two requests as the server saw them (against ``--delay``), papers written;
* ``fetch_10x``: the same with ten times the records and pages at no delay: memory stays flat
  when its peak RSS is that of ``fetch``;
* ``killed``: a fetch SIGKILLed once four pages are saved, then run again: which pages the second
  run asked for, papers written, and whether any paper id is there twice.
"""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=1000)
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--delay", type=float, default=1.0, help="kg fetch --delay for the timed and killed runs")
    args = ap.parse_args(argv)
    replay = _replay()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        report = {
            "fetch": _fetch(replay, work, args.records, args.page_size, args.delay),
            "fetch_10x": _fetch(replay, work, args.records * 10, args.page_size, 0.0),
            "killed": _killed(replay, work, args.records, args.page_size, args.delay),
            "cpus": os.cpu_count(),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
