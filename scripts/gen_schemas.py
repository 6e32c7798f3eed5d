#!/usr/bin/env python3
"""Regenerate schemas/ from the code: extraction.schema.json from kg.model.Extraction and
types.json from kg.schema. tests/test_schemas.py fails when the committed files are stale."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.model import Extraction  # noqa: E402
from kg.schema import NODE_TYPES, RELATION_TYPES  # noqa: E402


def extraction_schema() -> str:
    schema = Extraction.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://github.com/paper-kg/paper-kg/schemas/extraction.schema.json"
    schema["description"] = "One line of `kg extract` output: a paper and what was extracted from it."
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def types_json() -> str:
    data = {"node_types": [asdict(t) for t in NODE_TYPES.values()],
            "relation_types": [asdict(r) for r in RELATION_TYPES.values()]}
    return json.dumps(data, indent=2) + "\n"


OUTPUTS = {"schemas/extraction.schema.json": extraction_schema, "schemas/types.json": types_json}

if __name__ == "__main__":
    for rel, make in OUTPUTS.items():
        (ROOT / rel).write_text(make(), encoding="utf-8")
        print(f"wrote {rel}")
