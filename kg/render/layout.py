"""Node positions computed once in Python, so the page opens still even for thousands of nodes.

A Fruchterman–Reingold force layout in NumPy, per connected component, components packed in rows.
Repulsion is exact (all pairs) for small components; large ones use a particle-mesh
approximation (node density on a grid, convolved with the repulsion kernel by FFT), which makes an
iteration O(n + grid²·log grid) instead of O(n²). Seeded: the same graph gets the same picture.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

# One ideal edge length, in vis-network pixels; node sizes run from 7 to 42 px.
EDGE_PX = 55.0
# Above this many nodes a component's repulsion goes through the grid instead of all pairs.
EXACT_LIMIT = 900
ITERATIONS = 120


def layout_positions(graph: nx.MultiDiGraph, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """``{node id: (x, y)}`` in pixels; empty for an empty graph."""
    if graph.number_of_nodes() == 0:
        return {}
    simple = nx.Graph(graph.to_undirected(as_view=True))
    simple.remove_edges_from(nx.selfloop_edges(simple))
    rng = np.random.default_rng(seed)
    comps = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    boxes: list[tuple[list[str], np.ndarray]] = []
    for comp in comps:
        nodes = sorted(comp)
        boxes.append((nodes, component_layout(simple.subgraph(nodes), nodes, rng)))
    return _pack(boxes)


def component_layout(graph: nx.Graph, nodes: list[str], rng: np.random.Generator) -> np.ndarray:
    """Positions (n×2, ideal edge length 1) of one connected component."""
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])
    where = {v: i for i, v in enumerate(nodes)}
    # sorted: the sums below must not depend on the order the graph happens to hold its edges in
    pairs = sorted((min(where[u], where[v]), max(where[u], where[v])) for u, v in graph.edges)
    edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    pos = rng.uniform(-1, 1, size=(n, 2)) * math.sqrt(n)
    # ForceAtlas2's trick: hubs repel in proportion to their degree, so they don't pile up in
    # the middle with their leaves on top of them.
    mass = np.sqrt(np.array([graph.degree(v) for v in nodes], dtype=float) + 1.0)
    repulse = _exact_repulsion if n <= EXACT_LIMIT else _mesh_repulsion
    temperature = math.sqrt(n) * 0.5
    for step in range(ITERATIONS):
        force = repulse(pos, mass)
        delta = pos[edges[:, 0]] - pos[edges[:, 1]]
        length = np.linalg.norm(delta, axis=1, keepdims=True)
        pull = delta * length  # FR attraction d²/k along the edge, k = 1
        np.add.at(force, edges[:, 0], -pull)
        np.add.at(force, edges[:, 1], pull)
        force -= 0.02 * pos  # weak gravity keeps loosely tied parts near the middle
        size = np.linalg.norm(force, axis=1, keepdims=True)
        pos += force / np.maximum(size, 1e-9) * np.minimum(size, temperature)
        temperature = max(temperature * 0.96, 0.02 * (1 - step / ITERATIONS) + 0.01)
    return pos - pos.mean(axis=0)


def _exact_repulsion(pos: np.ndarray, mass: np.ndarray) -> np.ndarray:
    delta = pos[:, None, :] - pos[None, :, :]
    dist2 = np.maximum((delta**2).sum(axis=2), 1e-4)
    np.fill_diagonal(dist2, np.inf)
    return mass[:, None] * (delta * (mass[None, :] / dist2)[:, :, None]).sum(axis=1)


def _mesh_repulsion(pos: np.ndarray, mass: np.ndarray, cells: int = 160) -> np.ndarray:
    """Repulsion m_i·m_j·d/|d|² summed over all nodes, via a mass grid and an FFT convolution."""
    lo = pos.min(axis=0) - 1.0
    span = float((pos.max(axis=0) + 1.0 - lo).max())
    h = span / (cells - 1)
    g = (pos - lo) / h  # grid coordinates
    i0 = np.clip(np.floor(g).astype(np.int64), 0, cells - 2)
    f = g - i0
    weights = ((1 - f[:, 0]) * (1 - f[:, 1]), f[:, 0] * (1 - f[:, 1]), (1 - f[:, 0]) * f[:, 1], f[:, 0] * f[:, 1])
    offsets = ((0, 0), (1, 0), (0, 1), (1, 1))
    size = 2 * cells
    rho = np.zeros((size, size))
    for w, (ox, oy) in zip(weights, offsets, strict=True):
        np.add.at(rho, (i0[:, 0] + ox, i0[:, 1] + oy), w * mass)
    ax = np.fft.fftfreq(size, d=1.0 / size) * h  # signed displacement of each padded cell
    dx, dy = np.meshgrid(ax, ax, indexing="ij")
    r2 = dx**2 + dy**2 + (0.5 * h) ** 2  # softened so the node's own cell adds no force
    spectrum = np.fft.rfft2(rho)
    fx = np.fft.irfft2(spectrum * np.fft.rfft2(dx / r2), s=rho.shape)
    fy = np.fft.irfft2(spectrum * np.fft.rfft2(dy / r2), s=rho.shape)
    out = np.zeros_like(pos)
    for w, (ox, oy) in zip(weights, offsets, strict=True):
        ix, iy = i0[:, 0] + ox, i0[:, 1] + oy
        out[:, 0] += w * fx[ix, iy]
        out[:, 1] += w * fy[ix, iy]
    return out * mass[:, None]


def _pack(boxes: list[tuple[list[str], np.ndarray]]) -> dict[str, tuple[float, float]]:
    """Place components left to right in rows about as wide as the biggest one, in pixels."""
    margin = 1.5
    widths = [float(np.ptp(p[:, 0])) + margin for _, p in boxes]
    row_width = max(
        max(widths),
        math.sqrt(sum(w * (float(np.ptp(p[:, 1])) + margin) for w, (_, p) in zip(widths, boxes, strict=True))),
    )
    out: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for (nodes, pos), width in zip(boxes, widths, strict=True):
        height = float(np.ptp(pos[:, 1])) + margin
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        shifted = pos - pos.min(axis=0) + (x, y)
        for v, (px, py) in zip(nodes, shifted, strict=True):
            out[v] = (float(px) * EDGE_PX, float(py) * EDGE_PX)
        x += width
        row_height = max(row_height, height)
    return out
