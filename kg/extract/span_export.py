"""Write a trained :class:`~kg.extract.encoder_ner.SpanEncoder`'s encoder as an int8 ONNX model.

Why ONNX: onnxruntime's int8 kernels (VNNI on this machine's CPUs) run the encoder about 2.6×
faster than numpy's fp32 products (ENCODER-SPEED.md), and a 6-layer encoder is most of the
extraction's cost. The graph is written here, op by op, from the very functions of
``encoder_ner.encode`` (embeddings, post-LN attention blocks, tanh GELU), so the exported model
computes what training optimised; a test checks the two agree. The span classifier on top is a
few small products and stays in numpy (``span_ner``).

Quantization is dynamic (activations quantized per batch at run time) with **per-channel**
weight scales: the per-tensor default keeps a mean cosine of only ~0.93 to the fp32 token
vectors, per-channel ~0.99.

Needs ``onnx`` (the ``train`` extra) and onnxruntime; extraction itself needs only onnxruntime.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy

OPSET = 17  # LayerNormalization
CONTRIB = "com.microsoft"  # onnxruntime's own operators (FastGelu), in every CPU build
ENCODER_FILE = "encoder.onnx"


def encoder_graph(params: dict[str, numpy.ndarray], n_layers: int, n_heads: int) -> Any:
    """The ONNX ModelProto of ``encode``: inputs ``input_ids`` [B, T] int64 and
    ``attention_mask`` [B, T] float32 (1 = real piece), output ``states`` [B, T, H]."""
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    inits: list[Any] = []
    H = params["emb.word"].shape[1]
    D = H // n_heads

    def const(name: str, value: Any, dtype: Any = numpy.float32) -> str:
        inits.append(numpy_helper.from_array(numpy.asarray(value, dtype=dtype), name))
        return name

    def node(op: str, inputs: list[str], out: str, domain: str = "", **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [out], name=out, domain=domain, **attrs))
        return out

    for name, value in params.items():
        if not name.startswith("span."):
            const(name, value)
    const("heads_shape", [0, 0, n_heads, D], numpy.int64)
    const("hidden_shape", [0, 0, H], numpy.int64)
    const("zero", [0], numpy.int64)
    const("one_i", [1], numpy.int64)
    const("one", 1.0)
    const("neg", -1e4)
    const("scale", 1.0 / D**0.5)
    const("type0_index", 0, numpy.int64)

    # embeddings: word + position (the first T rows) + token type 0, then LayerNorm
    word = node("Gather", ["emb.word", "input_ids"], "word_emb")
    shape = node("Shape", ["input_ids"], "ids_shape")
    const("two_i", [2], numpy.int64)
    length = node("Slice", [shape, "one_i", "two_i"], "seq_len")
    pos = node("Slice", ["emb.pos", "zero", length], "pos_emb")
    type0 = node("Gather", ["emb.type", "type0_index"], "type_emb")
    x = node("Add", [node("Add", [word, pos], "emb_wp"), type0], "emb_sum")
    x = node("LayerNormalization", [x, "emb.ln.g", "emb.ln.b"], "emb_out", axis=-1, epsilon=1e-12)

    # additive attention bias [B, 1, 1, T]: -1e4 where the mask is 0
    const("mask_axes", [1, 2], numpy.int64)
    m = node("Unsqueeze", ["attention_mask", "mask_axes"], "mask4")
    bias = node("Mul", [node("Sub", ["one", m], "mask_inv"), "neg"], "att_bias")

    for i in range(n_layers):
        p = f"l{i}."

        def dense(inp: str, w: str, out: str, p: str = p) -> str:
            return node("Add", [node("MatMul", [inp, p + w + ".w"], out + "_mm"), p + w + ".b"], out)

        def split(t: str, perm: list[int], out: str) -> str:
            return node("Transpose", [node("Reshape", [t, "heads_shape"], out + "_r")], out, perm=perm)

        q = split(dense(x, "q", f"{p}q"), [0, 2, 1, 3], f"{p}qh")
        k = split(dense(x, "k", f"{p}k"), [0, 2, 3, 1], f"{p}kh")
        v = split(dense(x, "v", f"{p}v"), [0, 2, 1, 3], f"{p}vh")
        scores = node("Add", [node("Mul", [node("MatMul", [q, k], f"{p}qk"), "scale"], f"{p}qk_s"), bias], f"{p}scores")
        att = node("Softmax", [scores], f"{p}att", axis=-1)
        ctx = node("Transpose", [node("MatMul", [att, v], f"{p}ctx_h")], f"{p}ctx_t", perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, "hidden_shape"], f"{p}ctx")
        x = node(
            "LayerNormalization",
            [node("Add", [x, dense(ctx, "o", f"{p}o")], f"{p}res1"), p + "ln1.g", p + "ln1.b"],
            f"{p}x1",
            axis=-1,
            epsilon=1e-12,
        )
        # tanh GELU, as encoder_ner.gelu: 0.5 x (1 + tanh(a (x + b x³))), as onnxruntime's one
        # FastGelu kernel: the same formula written as eight elementwise ops cost ~20 % of the
        # int8 encoder's time (kg.bench.encoder)
        g = node("FastGelu", [dense(x, "i", f"{p}i")], f"{p}gelu", domain=CONTRIB)
        x = node(
            "LayerNormalization",
            [node("Add", [x, dense(g, "f", f"{p}f")], f"{p}res2"), p + "ln2.g", p + "ln2.b"],
            "states" if i == n_layers - 1 else f"{p}x2",
            axis=-1,
            epsilon=1e-12,
        )

    graph = helper.make_graph(
        nodes,
        "kg_span_encoder",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("states", TensorProto.FLOAT, ["batch", "length", H])],
        initializer=inits,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(CONTRIB, 1)], producer_name="paper-kg"
    )
    model.ir_version = 8  # onnxruntime reads IR 8 from 1.14 on
    return model


def export_encoder(
    params: dict[str, numpy.ndarray], n_layers: int, n_heads: int, path: Path, quantize: bool = True
) -> Path:
    """Write the encoder to ``path`` (int8 dynamic, per-channel, unless ``quantize`` is False)."""
    import onnx

    model = encoder_graph(params, n_layers, n_heads)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not quantize:
        onnx.save(model, str(path))
        return path
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        onnx.save(model, str(fp32))
        quantize_dynamic(
            str(fp32),
            str(path),
            per_channel=True,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Gather"],
            # ONNX shape inference knows no contrib operator, so it cannot type FastGelu's output
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    return path
