"""Time `kg render` pages in headless Chromium: render time, HTML size, time until the graph is still.

    .venv/bin/python -m kg.bench.render [--graph out/graph.json] [--synthetic 5000]

Prints one line per graph. "ready" is measured from navigation start to the page's own
``window.kg.ready`` flag, set once the layout is final (physics off).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import networkx as nx

from kg.graph.formats import read_graph
from kg.render.html import render_html
from kg.schema import node_id

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

_STEMS = {
    "Method": [
        "Transformer",
        "CLIP",
        "LoRA",
        "ViT",
        "BERT",
        "Diffusion",
        "Mamba",
        "ResNet",
        "GPT",
        "LLaMA",
        "DPO",
        "PPO",
        "MoE",
        "U-Net",
        "NeRF",
        "Adapter",
        "RAG",
        "Flow Matching",
    ],
    "Dataset": [
        "ImageNet",
        "COCO",
        "MMLU",
        "GSM8K",
        "SQuAD",
        "LAION",
        "HumanEval",
        "Kinetics",
        "ScanNet",
        "VQAv2",
        "WikiText",
        "C4",
        "ADE20K",
        "LibriSpeech",
    ],
    "Metric": ["accuracy", "F1", "FID", "BLEU", "mIoU", "PSNR", "perplexity", "pass@1", "WER", "AUC"],
    "Task": [
        "image classification",
        "object detection",
        "question answering",
        "text-to-image generation",
        "machine translation",
        "semantic segmentation",
        "code generation",
        "speech recognition",
        "video understanding",
        "reasoning",
    ],
}


def synthetic_graph(papers: int = 1000, *, seed: int = 7) -> nx.MultiDiGraph:
    """A graph shaped like schemas/graph.md: Zipf-popular entities, evidence on every edge.

    About 4.25 nodes per paper (``papers=1176`` gives roughly 5,000 nodes).
    """
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    vocab: dict[str, list[str]] = {}
    sizes = {"Method": papers * 2, "Dataset": papers // 2, "Metric": max(papers // 8, 10), "Task": max(papers // 5, 10)}
    for etype, count in sizes.items():
        names = []
        for i in range(count):
            stem = _STEMS[etype][i % len(_STEMS[etype])]
            names.append(stem if i < len(_STEMS[etype]) else f"{stem}-{i // len(_STEMS[etype])}")
        vocab[etype] = names

    def pick(etype: str) -> str:
        # Zipf-like popularity: a few entities are in many papers, most in one or two.
        names = vocab[etype]
        return names[min(int(rng.paretovariate(0.9)) - 1, len(names) - 1)] if rng.random() < 0.6 else rng.choice(names)

    def entity(etype: str, name: str, pid: str) -> str:
        nid = node_id(etype, name.lower())
        if nid not in g:
            g.add_node(
                nid, type=etype, name=name, key=name.lower(), aliases=[], papers=[], confidence=0.5, proposed_by=[]
            )
        attrs = g.nodes[nid]
        if pid not in attrs["papers"]:
            attrs["papers"].append(pid)
        attrs["confidence"] = max(attrs["confidence"], round(rng.uniform(0.5, 1.0), 2))
        return nid

    def link(u: str, v: str, rel: str, pid: str, sentence: str) -> None:
        ev = {
            "paper": pid,
            "field": "abstract",
            "sentence": sentence,
            "sentence_start": 0,
            "head": None,
            "tail": [0, min(len(sentence), 12)],
            "extractor": "synthetic",
            "confidence": round(rng.uniform(0.4, 1.0), 2),
        }
        if g.has_edge(u, v, key=rel):
            e = g.edges[u, v, rel]
            if pid not in e["papers"]:
                e["papers"].append(pid)
                e["support"] = len(e["papers"])
            e["evidence"].append(ev)
            e["confidence"] = max(e["confidence"], ev["confidence"])
        else:
            g.add_edge(u, v, key=rel, type=rel, papers=[pid], support=1, confidence=ev["confidence"], evidence=[ev])

    for p in range(papers):
        pid = node_id("Paper", f"2410.{p:05d}")
        method = f"{rng.choice(_STEMS['Method'])}-{p}"
        title = (
            f"{method}: {rng.choice(['Scaling', 'Rethinking', 'Efficient', 'Unified'])} "
            f"{rng.choice(_STEMS['Task'])} with {rng.choice(_STEMS['Method'])}"
        )
        g.add_node(
            pid,
            type="Paper",
            name=title,
            key=pid.split(":", 1)[1],
            title=title,
            abstract=f"We introduce {method}. " * 5,
            url=f"https://arxiv.org/abs/2410.{p:05d}",
            date="2024-10-17",
            authors=["A. Author", "B. Author"],
            arxiv_id=f"2410.{p:05d}",
            sources=[f"listing.txt:{p * 3 + 1}"],
        )
        proposed = entity("Method", method, pid)
        g.nodes[proposed]["proposed_by"].append(pid)
        link(pid, proposed, "PROPOSES", pid, f"We introduce {method}.")
        used = [entity("Method", pick("Method"), pid) for _ in range(rng.randint(1, 3))]
        for m in used:
            link(pid, m, "USES", pid, f"{method} builds on {g.nodes[m]['name']}.")
            if rng.random() < 0.3:
                link(proposed, m, "OUTPERFORMS", pid, f"{method} outperforms {g.nodes[m]['name']}.")
        datasets = [entity("Dataset", pick("Dataset"), pid) for _ in range(rng.randint(1, 2))]
        for d in datasets:
            link(pid, d, "EVALUATES_ON", pid, f"Experiments on {g.nodes[d]['name']}.")
        task = entity("Task", pick("Task"), pid)
        link(pid, task, "ADDRESSES", pid, f"We address {g.nodes[task]['name']}.")
        link(proposed, task, "USED_FOR", pid, f"{method} is used for {g.nodes[task]['name']}.")
        metric = entity("Metric", pick("Metric"), pid)
        link(pid, metric, "MEASURES", pid, f"We report {g.nodes[metric]['name']}.")
        if rng.random() < 0.4:
            repo = node_id("Repository", f"github.com/lab{p}/{method.lower()}")
            g.add_node(
                repo,
                type="Repository",
                name=f"lab{p}/{method.lower()}",
                key=repo.split(":", 1)[1],
                url=f"https://github.com/lab{p}/{method.lower()}",
                aliases=[],
                papers=[pid],
                confidence=1.0,
                proposed_by=[],
            )
            link(pid, repo, "HAS_CODE", pid, f"Code: https://github.com/lab{p}/{method.lower()}")
        if rng.random() < 0.5:
            value = round(rng.uniform(20, 95), 1)
            rid = node_id("Result", f"r{p}")
            g.add_node(
                rid,
                type="Result",
                name=f"{g.nodes[metric]['name']} {value}",
                key=f"r{p}",
                metric_name=g.nodes[metric]["name"],
                value=value,
                value_text=f"{value}%",
                unit="%",
                kind="absolute",
                direction=None,
                range_high=None,
                paper=pid,
            )
            link(pid, rid, "REPORTS", pid, f"{method} reaches {value}%.")
            link(rid, metric, "OF_METRIC", pid, f"{method} reaches {value}%.")
            link(rid, datasets[0], "ON_DATASET", pid, f"{method} reaches {value}%.")
            link(rid, proposed, "BY_METHOD", pid, f"{method} reaches {value}%.")
    return g


@contextmanager
def chromium_page(width: int = 1600, height: int = 1000) -> Iterator:
    """A headless Chromium page that may load file: URLs only; any other request is aborted."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route(
                "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
            )
            yield page
        finally:
            browser.close()


def time_to_ready(page, path: Path, timeout_ms: int = 120_000) -> float:
    """Seconds from navigation start until ``window.kg.ready`` (layout final)."""
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.kg && window.kg.ready === true", timeout=timeout_ms, polling=50)
    page.evaluate("window.kg.readyAt = performance.now()")
    return page.evaluate("window.kg.readyAt") / 1000


def bench(name: str, graph: nx.MultiDiGraph, out_dir: Path) -> None:
    path = out_dir / f"{name}.html"
    t0 = time.perf_counter()
    report = render_html(graph, path, title=name)
    render_s = time.perf_counter() - t0
    with chromium_page() as page:
        ready_s = time_to_ready(page, path)
    print(
        f"{name:>14}: {report.nodes:>6,} nodes {report.edges:>7,} edges | render {render_s:5.2f} s | "
        f"html {report.bytes / 1e6:5.2f} MB | browser ready {ready_s:5.2f} s"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", type=Path, default=Path("out/graph.json"), help="node-link JSON from kg build")
    ap.add_argument("--synthetic", type=int, default=5000, help="nodes in the synthetic graph (0: skip)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        if args.graph.exists():
            bench("samples", read_graph(args.graph), out)
        else:
            print(f"{args.graph} not found: run `kg build examples/hf-papers -o {args.graph}` first", file=sys.stderr)
        if args.synthetic:
            bench(f"synthetic-{args.synthetic}", synthetic_graph(max(round(args.synthetic / 4.25), 1)), out)


if __name__ == "__main__":
    main()
