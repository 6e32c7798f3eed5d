"""Corpus-level resolution on the built graph: one node per thing across papers.

* Acronyms: a paper that defines "Large Language Models (LLMs)" teaches that the key ``llm`` means
  ``large-language-model``; nodes made from bare "LLM"/"LLMs" in other papers merge into it when
  the acronym has only one expansion in the corpus (an ambiguous acronym stays its own node).
* Variants: distinct versions stay apart but are linked (see :mod:`kg.resolve.variants`).
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
from rapidfuzz import fuzz

from kg.resolve.keys import canonical_key
from kg.resolve.variants import link_variants

_LIST_ATTRS = ("aliases", "papers", "proposed_by")


def merge_nodes(g: nx.MultiDiGraph, src: str, dst: str) -> None:
    """Fold node ``src`` into ``dst``: attributes unioned, edges moved and merged."""
    s, d = g.nodes[src], g.nodes[dst]
    for attr in _LIST_ATTRS:
        merged = list(dict.fromkeys(list(d.get(attr, [])) + list(s.get(attr, []))))
        d[attr] = sorted(merged) if attr == "aliases" else merged
    if s.get("name") and s["name"] not in d["aliases"]:
        d["aliases"] = sorted(set(d["aliases"]) | {s["name"]})
    d["confidence"] = max(d.get("confidence", 0.0), s.get("confidence", 0.0))
    moved = [(u, v, k, dict(a)) for u, v, k, a in g.in_edges(src, keys=True, data=True)]
    moved += [(u, v, k, dict(a)) for u, v, k, a in g.out_edges(src, keys=True, data=True)]
    g.remove_node(src)
    for u, v, k, a in moved:
        u, v = (dst if u == src else u), (dst if v == src else v)
        if u == v:
            continue
        if g.has_edge(u, v, key=k):
            e = g.edges[u, v, k]
            # evidence is a sample (at most MAX_EVIDENCE_PER_EDGE): papers past it pair with None
            for p, ev in zip(a["papers"], a["evidence"] + [None] * len(a["papers"]), strict=False):
                if p not in e["papers"]:
                    e["papers"].append(p)
                    if ev is not None:
                        e["evidence"].append(ev)
            e["support"] = len(e["papers"])
            e["confidence"] = max(e["confidence"], a["confidence"])
        else:
            g.add_edge(u, v, key=k, **a)


def merge_acronyms(g: nx.MultiDiGraph) -> int:
    """Merge bare-acronym nodes into their unique expansion; returns how many merged."""
    expansions: dict[tuple[str, str], set[str]] = defaultdict(set)
    for n, d in g.nodes(data=True):
        t = d.get("type")
        if t in (None, "Paper", "Result", "Repository", "Website"):
            continue
        for alias in d.get("aliases", []):
            k = canonical_key(alias)
            if k and k != d["key"] and alias.replace("-", "").rstrip("s").isupper():
                expansions[(t, k)].add(n)
    merged = 0
    for (t, k), targets in sorted(expansions.items()):
        targets = _merge_similar_expansions(g, targets)
        src = f"{t}:{k}"
        if len(targets) == 1 and src in g:
            dst = next(iter(targets))
            if dst in g and dst != src:
                merge_nodes(g, src, dst)
                merged += 1
    return merged


SAME_EXPANSION = 90  # rapidfuzz token_set_ratio: "Large-scale Language Models" ~ "Large Language Models"


def _merge_similar_expansions(g: nx.MultiDiGraph, targets: set[str]) -> set[str]:
    """Expansions of one acronym that are spelling variants of each other become one node (the
    one with most papers); different meanings ("Continued" vs "Contrastive Pre-Training") stay."""
    alive = sorted((n for n in targets if n in g), key=lambda n: (-len(g.nodes[n].get("papers", [])), n))
    kept: list[str] = []
    for n in alive:
        words = g.nodes[n]["key"].replace("-", " ")
        into = next(
            (m for m in kept if fuzz.token_set_ratio(words, g.nodes[m]["key"].replace("-", " ")) >= SAME_EXPANSION),
            None,
        )
        if into is None:
            kept.append(n)
        else:
            merge_nodes(g, n, into)
    return set(kept)


def resolve_corpus(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    merge_acronyms(g)
    link_variants(g)
    # A family node link_variants just made may be a bare acronym with a known expansion
    # ("GPT" for "OpenAI GPT"): merge again, so resolving a resolved graph changes nothing.
    merge_acronyms(g)
    return g
