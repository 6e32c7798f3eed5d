"""The default NER's encoder alone, as extraction runs it and as it ran before, in one run.

    python -m kg.bench.encoder                 # 200 sample papers, 3 repeats, one thread
    python -m kg.bench.encoder --papers 548 --json out/encoder.json

Each variant undoes one of the runtime choices in ``kg.extract.span_ner`` / ``span_export``:
GELU as eight elementwise ops instead of onnxruntime's FastGelu kernel, onnxruntime's fused
residual + LayerNorm (SkipLayerNormalization) left on, length-sorted batches of up to 512 or
4,096 pieces instead of one window per call; "before" is all three as they were. Papers per
CPU-second of this process (one intra-op thread, as a worker runs it), best of the repeats,
interleaved so every variant sees the same machine; the ratio to the shipped settings is the
figure to read on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy

from kg.bench.common import SAMPLES, host_info, load_papers

GELU_CHAIN = ("h2", "h3", "bh3", "in0", "in1", "hh", "tanh", "t1")


def tanh_chain_graph(model: bytes) -> bytes:
    """The encoder with each FastGelu written out as ``0.5 x (1 + tanh(a (x + b x³)))``, as it
    was exported before: the baseline's graph."""
    import onnx
    from onnx import helper, numpy_helper

    m = onnx.load_from_string(model)
    nodes = []
    for n in m.graph.node:
        if n.op_type != "FastGelu":
            nodes.append(n)
            continue
        x, p = n.input[0], n.output[0][: -len("gelu")]

        def op(kind: str, inputs: list[str], out: str, p: str = p) -> str:
            nodes.append(helper.make_node(kind, inputs, [p + out], name=p + out))
            return p + out

        cube = op("Mul", [op("Mul", [x, x], "h2"), x], "h3")
        inner = op("Mul", [op("Add", [x, op("Mul", [cube, "gelu_b"], "bh3")], "in0"), "gelu_a"], "in1")
        t1 = op("Add", ["one", op("Tanh", [inner], "tanh")], "t1")
        nodes.append(helper.make_node("Mul", [op("Mul", [x, "half"], "hh"), t1], [n.output[0]], name=n.output[0]))
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    for name, value in (("gelu_a", 0.7978845608028654), ("gelu_b", 0.044715), ("half", 0.5)):
        m.graph.initializer.append(numpy_helper.from_array(numpy.asarray(value, numpy.float32), name))
    return m.SerializeToString()


def _encode_all(session: Any, windows: list[list[int]], budget: int) -> float:
    """CPU seconds to encode every window in length-sorted batches of ≤ ``budget`` pieces (1:
    each window alone)."""
    start = time.process_time()
    k = 0
    while k < len(windows):
        n = 1
        while k + n < len(windows) and (n + 1) * len(windows[k + n]) <= budget:
            n += 1
        batch = windows[k : k + n]
        ids = numpy.zeros((n, len(batch[-1])), numpy.int64)
        mask = numpy.zeros(ids.shape, numpy.float32)
        for b, row in enumerate(batch):
            ids[b, : len(row)] = row
            mask[b, : len(row)] = 1.0
        session.run(None, {"input_ids": ids, "attention_mask": mask})
        k += n
    return time.process_time() - start


def bench_encoder(papers: int, repeats: int) -> dict[str, Any]:
    from kg.extract.encoder_ner import piece_windows
    from kg.extract.pipeline import build_nlp
    from kg.extract.span_ner import DISABLED_FUSIONS, SpanNer, encoder_session

    nlp = build_nlp("default", rules=False)
    component = nlp.get_pipe("ner")
    assert isinstance(component, SpanNer) and component.model is not None, "the default model is the span NER"
    ner = component.model
    records = list({p.id: p for p in load_papers((SAMPLES,), n=None)}.values())[:papers]
    windows = sorted(
        (
            ids
            for p in records
            for text in (p.title, p.abstract)
            for ids, first, _ in piece_windows(ner.wordpiece, [t.text for t in nlp.make_doc(text)])
            if first
        ),
        key=len,
    )
    chain = tanh_chain_graph(ner.encoder_bytes)
    variants = {
        "shipped": (ner.encoder_bytes, DISABLED_FUSIONS, 1),
        "tanh GELU as 8 ops": (chain, DISABLED_FUSIONS, 1),
        "SkipLayerNorm fused": (ner.encoder_bytes, (), 1),
        "batches of 512 pieces": (ner.encoder_bytes, DISABLED_FUSIONS, 512),
        "batches of 4096 pieces": (ner.encoder_bytes, DISABLED_FUSIONS, 4096),
        "before (all three)": (chain, (), 4096),
    }
    sessions = {name: encoder_session(model, disabled) for name, (model, disabled, _) in variants.items()}
    for name, session in sessions.items():  # warm-up: the allocator's first pool
        _encode_all(session, windows[:8], variants[name][2])
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, session in sessions.items():
            cpu[name].append(_encode_all(session, windows, variants[name][2]))
    shipped = len(records) / min(cpu["shipped"])
    table = {
        name: {
            "papers_per_cpu_s": len(records) / min(times),
            "ratio_to_shipped": len(records) / min(times) / shipped,
            "cpu_s": times,
        }
        for name, times in cpu.items()
    }
    pieces = sum(map(len, windows))
    return {"papers": len(records), "pieces_per_paper": pieces / len(records), "variants": table, "host": host_info()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", type=int, default=200, help="how many sample papers (of 548)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    result = bench_encoder(args.papers, args.repeats)
    print(f"{result['papers']} papers, {result['pieces_per_paper']:.0f} pieces each; one thread")
    for name, row in result["variants"].items():
        print(f"  {name:24s} {row['papers_per_cpu_s']:6.1f} papers/CPU-s   {row['ratio_to_shipped']:.2f}×")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
