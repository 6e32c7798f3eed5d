"""Versions of one thing: ImageNet-1K and ResNet-50 are kept as their own nodes (results on
ImageNet-1K are not results on ImageNet-21K) and linked VARIANT_OF to their family node."""

from __future__ import annotations

import re
from collections import defaultdict

import networkx as nx

from kg.resolve.keys import canonical_key

_VERSION = re.compile(
    r"(?:[-\s_]?(?:v?\d+(?:\.\d+)*[kKmMbB]?)|[-\s](?:large|base|small|tiny|mini|huge|xl|xxl|pro|plus|"
    r"lite|turbo|instruct|chat)"
    # a resolution ("ImageNet 256×256", "256x256", LaTeX's "256times256") or a split ("COCO test-dev")
    r"|[-\s_]?\d+\s*(?:x|×|times)\s*\d+|\s(?:test-dev|test-std))$",
    re.IGNORECASE,
)
VARIANT_TYPES = ("Method", "Dataset")


def family_name(name: str) -> str | None:
    """ "ResNet-50" → "ResNet", "ImageNet-1K" → "ImageNet", "Llama 2 Chat" → "Llama"; else None."""
    base, changed = name.strip(), False
    while True:
        m = _VERSION.search(base)
        if not m or m.start() == 0:
            break
        base, changed = base[: m.start()].rstrip(" -_"), True
    if not changed or len(base) < 2 or not any(c.isalpha() for c in base):
        return None
    return base


def link_variants(g: nx.MultiDiGraph) -> int:
    families: dict[str, list[str]] = defaultdict(list)
    for n, d in list(g.nodes(data=True)):
        if d.get("type") in VARIANT_TYPES:
            base = family_name(d["name"])
            if base and canonical_key(base) != d["key"]:
                families[f"{d['type']}:{canonical_key(base)}"].append(n)
    linked = 0
    for fam, members in families.items():
        if fam not in g:
            if len(members) < 2:
                continue  # one version alone does not make a family worth a node
            t, key = fam.split(":", 1)
            name = family_name(g.nodes[members[0]]["name"])
            g.add_node(
                fam,
                type=t,
                key=key,
                name=name,
                aliases=[name],
                papers=[],
                confidence=0.8,
                proposed_by=[],
                url=None,
                inferred=True,
            )
        for n in members:
            d = g.nodes[n]
            ev = {
                "paper": None,
                "field": None,
                "sentence": f"{d['name']} is a version of {g.nodes[fam]['name']}",
                "sentence_start": 0,
                "head": None,
                "tail": None,
                "extractor": "kg.resolve.variants",
                "confidence": 0.8,
            }
            g.add_edge(
                n,
                fam,
                key="VARIANT_OF",
                type="VARIANT_OF",
                papers=list(d.get("papers", [])),
                support=len(d.get("papers", [])),
                confidence=0.8,
                evidence=[ev],
            )
            linked += 1
    return linked
