"""``kg leaderboard`` at scale, and its quality on the gold sets.

Speed: a synthetic graph of N papers (100,000 by default) made from a real graph (the samples'):
the first copy is the base graph itself (its entity-entity edges, VARIANT_OF included, kept);
each later copy of a paper gets a new id and a date over two years, its results new ids and
values within ±10 %, and its proposed methods, most of the time, a name of their own (follow-up
work keeps the original); shared entities (ImageNet, FID, CLIP) stay shared, so popular benchmarks
grow to hundreds of rows (ImageNet top-1 accuracy: 366 at 100,000 papers). Loading the graph
file and answering are timed apart: reading a 100k-paper JSON graph takes far longer than the
query.

    python -m kg.bench.leaderboard speed --base out/graph.json -n 100000
    python -m kg.bench.leaderboard speed --graph /tmp/kg-bench/graph-100000.json
    python -m kg.bench.leaderboard gold tests/data/gold/dev.jsonl tests/data/gold/test.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import networkx as nx

from kg.analysis.leaderboard import benchmarks, leaderboards
from kg.analysis.output import format_benchmarks, format_leaderboards
from kg.analysis.results_graph import results_path

__all__ = ["bench_gold", "bench_speed", "synthetic_graph"]


class _Copy:
    """One copy of one paper: its id, its results and (mostly) its proposed methods renamed."""

    def __init__(self, g: nx.MultiDiGraph, base: nx.MultiDiGraph, proposed: set[str], rng: random.Random):
        self.g, self.base, self.proposed, self.rng = g, base, proposed, rng

    def paper(self, src: str, i: int, copy: int) -> None:
        base, g, rng = self.base, self.g, self.rng
        key = f"{base.nodes[src]['key']}-s{copy}" if copy else base.nodes[src]["key"]  # copy 0 is the base
        pid = f"Paper:{key}"
        month = rng.randrange(24)
        date = f"{2024 + month // 12}-{month % 12 + 1:02d}-{rng.randint(1, 28):02d}"
        g.add_node(pid, **{**base.nodes[src], "key": key, "date": date})
        self.key, self.copy, self.i, self.rename = key, copy, i, {src: pid}
        for _, v, k, d in base.out_edges(src, keys=True, data=True):
            tail = self.node(v)
            g.add_edge(pid, tail, key=k, **{**d, "papers": [key]})
            if k == "REPORTS":
                for _, w, k2, d2 in base.out_edges(v, keys=True, data=True):
                    g.add_edge(tail, self.node(w), key=k2, **{**d2, "papers": [key]})

    def node(self, x: str) -> str:
        if x in self.rename:
            return self.rename[x]
        a, g, copy = self.base.nodes[x], self.g, self.copy
        if a.get("type") == "Result" and not copy:
            new = x
            g.add_node(new, **a)
        elif a.get("type") == "Result":
            value = a.get("value")
            if isinstance(value, (int, float)):
                value = round(value * self.rng.uniform(0.9, 1.1), 2)
            new = f"{x}-s{copy}-{self.i}"
            g.add_node(new, **{**a, "key": new.split(":", 1)[1], "value": value, "value_text": str(value)})
            g.nodes[new]["paper"] = self.key
        elif x in self.proposed and copy and self.rng.random() < 0.8:
            new = f"{x}-s{copy}"
            if new not in g:
                g.add_node(new, **{**a, "key": new.split(":", 1)[1], "name": f"{a['name']}-{copy}", "papers": []})
        else:
            new = x
        if a.get("type") != "Result":
            g.nodes[new]["papers"].append(self.key)
        self.rename[x] = new
        return new


def synthetic_graph(base: nx.MultiDiGraph, n: int, seed: int = 0) -> nx.MultiDiGraph:
    """``n`` papers resampled from ``base`` (see the module docstring)."""
    papers = sorted(x for x, a in base.nodes(data=True) if a.get("type") == "Paper")
    proposed = {x for x, a in base.nodes(data=True) if a.get("proposed_by")}
    g = nx.MultiDiGraph(name=f"synthetic-{n}")
    for x, a in base.nodes(data=True):
        if a.get("type") not in ("Paper", "Result"):
            g.add_node(x, **{**a, "papers": []})
    for u, v, k, d in base.edges(keys=True, data=True):  # entity-entity edges (VARIANT_OF, USED_FOR …)
        if u in g and v in g:
            g.add_edge(u, v, key=k, **d)
    copier = _Copy(g, base, proposed, random.Random(seed))
    for i in range(n):
        copier.paper(papers[i % len(papers)], i, i // len(papers))
    return g


def _timed(fn: Any) -> tuple[Any, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def bench_speed(
    graph: Path | None, base: Path | None, n: int, dataset: str | None, metric: str | None
) -> dict[str, Any]:
    from kg.graph.formats import read_source, write_graph

    res: dict[str, Any] = {}
    if graph is None:
        if base is None:
            raise SystemExit("give --graph FILE, or --base GRAPH to make a synthetic graph from")
        g0, res["load_base_s"] = _timed(lambda: read_source(base))
        g, res["synthesize_s"] = _timed(lambda: synthetic_graph(g0, n))
        graph = Path(tempfile.mkdtemp(prefix="kg-leaderboard-")) / f"synthetic-{n}.json"
        _, res["write_s"] = _timed(lambda: write_graph(g, graph))
        del g, g0
    res["graph"] = str(graph)
    res["graph_bytes"] = graph.stat().st_size
    g, res["load_s"] = _timed(lambda: read_source(graph))
    res["papers"] = sum(1 for _, a in g.nodes(data=True) if a.get("type") == "Paper")
    res["nodes"], res["edges"] = g.number_of_nodes(), g.number_of_edges()
    listed, res["benchmarks_s"] = _timed(lambda: format_benchmarks(benchmarks(g), "table"))
    top = benchmarks(g)[0]
    dataset, metric = dataset or top.dataset, metric or top.metric
    res["dataset"], res["metric"] = dataset, metric
    table, res["leaderboard_s"] = _timed(lambda: format_leaderboards(leaderboards(g, dataset, metric), "table"))
    res["benchmarks"] = listed.count("\n") - 2
    res["rows"] = sum(len(b.rows) for b in leaderboards(g, dataset, metric))
    g.clear()  # its memory back before the subprocesses
    # The whole command as a user runs it: the first call reads the graph and keeps its results
    # part beside it (GRAPH.results.json), the next ones read only that.
    results_path(graph).unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "kg", "leaderboard", str(graph), "--dataset", dataset, "--metric", metric]
    for run in ("cli_first_s", "cli_again_s", "cli_third_s"):
        _, res[run] = _timed(lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL))
    res["results_bytes"] = results_path(graph).stat().st_size
    return res


def bench_gold(paths: Sequence[Path], model: str = "default") -> dict[str, Any]:
    """Extract each gold set's papers (as ``kg eval --gold`` does), build, score the leaderboards."""
    from kg.analysis.gold import score_leaderboards
    from kg.eval.gold import load_gold, normalize_title
    from kg.extract.stream import extract_stream
    from kg.graph.build import build_graph
    from kg.model import Extraction
    from kg.read import read_papers

    out = {}
    for path in paths:
        records = load_gold(path)
        wanted = {normalize_title(r["title"]) for r in records}
        files = sorted({r["source"]["file"] for r in records})
        papers = (p for p in read_papers(files) if normalize_title(p.title) in wanted)
        stream = extract_stream(papers, model=None if model == "none" else model, workers=1)
        g = build_graph(cast(list[Extraction], list(stream)))
        out[str(path)] = score_leaderboards(path, g).as_dict()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kg.bench.leaderboard", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    speed = sub.add_parser("speed", help="time kg leaderboard on a big graph")
    speed.add_argument("--graph", type=Path, help="an existing graph file")
    speed.add_argument("--base", type=Path, help="a real graph to make the synthetic one from")
    speed.add_argument("-n", type=int, default=100_000)
    speed.add_argument("--dataset")
    speed.add_argument("--metric")
    gold = sub.add_parser("gold", help="precision and recall of the leaderboards on gold sets")
    gold.add_argument("gold", type=Path, nargs="+")
    gold.add_argument("--model", default="default")
    args = parser.parse_args(argv)
    if args.what == "speed":
        print(json.dumps(bench_speed(args.graph, args.base, args.n, args.dataset, args.metric), indent=2))
        return
    for path, s in bench_gold(args.gold, args.model).items():
        counts = f"tp {s['tp']}, fp {s['fp']}, fn {s['fn']}"
        if not s["tp"] + s["fp"] + s["fn"]:
            print(f"{path}: no absolute result on a dataset, in the gold or in the leaderboards")
            continue
        precision = f"{s['precision']:.3f}" if s["tp"] + s["fp"] else "n/a (no rows)"
        print(f"{path}: precision {precision}, recall {s['recall']:.3f} ({counts})")
        for t in s["tables"]:
            print(f"  {', '.join(t['datasets'])}: tp {t['tp']}, fp {t['fp']}, fn {t['fn']}")


if __name__ == "__main__":
    main()
