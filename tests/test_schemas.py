from __future__ import annotations

from conftest import ROOT, load_script


def test_committed_schemas_are_current():
    gen = load_script("gen_schemas")
    for rel, make in gen.OUTPUTS.items():
        assert (ROOT / rel).read_text(encoding="utf-8") == make(), f"{rel} is stale: run scripts/gen_schemas.py"


def test_graph_doc_names_every_type():
    from kg.schema import NODE_TYPES, RELATION_TYPES
    doc = (ROOT / "README.md").read_text(encoding="utf-8") + (ROOT / "schemas" / "graph.md").read_text(encoding="utf-8")
    for name in list(NODE_TYPES) + list(RELATION_TYPES):
        assert name in doc, name
