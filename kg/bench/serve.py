"""``kg serve`` on a big graph: start-up time, memory, and the latency of real HTTP requests.

Starts ``kg serve GRAPH --port 0`` as its own process, times it until the API answers, reads
its RSS, then sends sequential requests over one keep-alive connection (as a page does):
searches (prefixes, whole names and misspellings of names the graph holds) and depth-1
neighbourhoods capped at 500 nodes (the most connected nodes among them). Reports p50/p95/max.

    python -m kg.bench.synth -n 100000 -o /tmp/synth100k.jsonl
    kg build /tmp/synth100k.jsonl -o /tmp/graph100k.json --model fast
    python -m kg.bench.serve /tmp/graph100k.json            # ~2 min after the graph exists
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

SEEDS = (
    "transformer",
    "llm",
    "imagenet",
    "diffusion",
    "clip",
    "gpt",
    "bert",
    "vision",
    "reinforcement",
    "segmentation",
    "benchmark",
    "language",
    "detection",
    "graph",
    "speech",
    "agent",
    "retrieval",
    "video",
)


def start(graph: Path, timeout: float = 900) -> tuple[subprocess.Popen, str, float]:
    """The server process, its URL, and the seconds from spawn until /api/meta answered."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", str(graph), "--port", "0"], stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    found = re.search(r"http://[\d.]+:\d+/", line)
    if not found:
        proc.kill()
        raise SystemExit(f"kg serve did not start: {line.strip()}")
    url = found.group()
    while time.perf_counter() - began < timeout:
        try:
            if httpx.get(url + "api/meta", timeout=30).status_code == 200:
                return proc, url, time.perf_counter() - began
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("kg serve did not answer in time")


def _timed(client: httpx.Client, path: str, params: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    t = time.perf_counter()
    r = client.get(path, params=params)
    elapsed = time.perf_counter() - t
    r.raise_for_status()
    return elapsed, r.json()


def _stats(times: list[float]) -> dict[str, float]:
    ms = sorted(t * 1000 for t in times)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[max(0, int(len(ms) * 0.95) - 1)], 1),
        "max_ms": round(ms[-1], 1),
    }


def _misspell(rng: random.Random, name: str) -> str:
    if len(name) < 5:
        return name
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def bench(graph: Path, requests: int = 300, seed: int = 0) -> dict[str, Any]:
    rng = random.Random(seed)
    proc, url, startup = start(graph)
    try:
        rss_started = psutil.Process(proc.pid).memory_info().rss
        with httpx.Client(base_url=url, timeout=60) as client:
            meta = client.get("/api/meta").json()
            names: dict[str, str] = {}
            for s in SEEDS:  # names and ids the graph holds, found through the API itself
                for hit in client.get("/api/search", params={"q": s, "limit": 50}).json()["items"]:
                    names[hit["id"]] = hit["name"]
            degrees: dict[str, int] = {}
            for nid in list(names)[:60]:
                got = client.get("/api/neighbours", params={"id": nid, "limit": 200}).json()
                for n in got["nodes"]:
                    names.setdefault(n["id"], n["name"])
                    degrees[n["id"]] = n["degree"]
            pool = sorted(names)
            queries = []
            for _ in range(requests):
                name = names[rng.choice(pool)]
                kind = rng.random()
                queries.append(
                    name[: rng.randint(3, 8)] if kind < 0.5 else name if kind < 0.8 else _misspell(rng, name)
                )
            search_times = [_timed(client, "/api/search", {"q": q, "limit": 20})[0] for q in queries]
            hubs = sorted(degrees, key=lambda n: -degrees[n])[: requests // 10]
            targets = hubs + [rng.choice(pool) for _ in range(requests - len(hubs))]
            nb_times: list[float] = []
            biggest: dict[str, Any] = {"total": 0}
            for nid in targets:
                t, body = _timed(client, "/api/neighbours", {"id": nid, "depth": 1, "limit": 500})
                nb_times.append(t)
                if body["total"] > biggest["total"]:
                    biggest = {
                        "id": nid,
                        "total": body["total"],
                        "shown": len(body["nodes"]),
                        "edges": len(body["edges"]),
                    }
        rss_after = psutil.Process(proc.pid).memory_info().rss
    finally:
        proc.terminate()
        proc.wait(30)
    return {
        "graph": str(graph),
        "bytes": graph.stat().st_size,
        "nodes": sum(t["count"] for t in meta["nodeTypes"].values()),
        "edges": sum(t["count"] for t in meta["relationTypes"].values()),
        "startup_s": round(startup, 1),
        "rss_started_mb": rss_started // 2**20,
        "rss_after_mb": rss_after // 2**20,
        "search": _stats(search_times),
        "neighbours": _stats(nb_times),
        "largest_neighbourhood": biggest,
    }


def format_report(r: dict[str, Any]) -> str:
    s, n, b = r["search"], r["neighbours"], r["largest_neighbourhood"]
    return "\n".join(
        [
            f"graph {r['graph']}: {r['nodes']:,} nodes, {r['edges']:,} edges, {r['bytes'] / 1e6:.0f} MB",
            f"start-up (spawn until /api/meta answers): {r['startup_s']} s; RSS {r['rss_started_mb']:,} MB "
            f"after start, {r['rss_after_mb']:,} MB after the requests",
            f"search ({s['n']} requests): p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, max {s['max_ms']} ms",
            f"neighbours depth 1, limit 500 ({n['n']} requests): p50 {n['p50_ms']} ms, p95 {n['p95_ms']} ms, "
            f"max {n['max_ms']} ms",
            f"largest neighbourhood asked: {b.get('id')} with {b['total']:,} neighbours ({b.get('shown')} nodes, "
            f"{b.get('edges')} edges sent)",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kg.bench.serve", description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path, help="a graph file (kg build's output)")
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind (default 300)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    report = bench(args.graph, args.requests)
    print(json.dumps(report, indent=2) if args.json else format_report(report))


if __name__ == "__main__":
    main()
