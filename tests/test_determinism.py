"""Determinism: the same input gives byte-identical extraction JSONL and graph JSON, across runs,
across processes with different hash seeds (set/dict iteration order), and with --workers 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.extract.packaged import default_model_path

SAMPLES = Path(__file__).parents[1] / "examples" / "hf-papers"
SMALL = SAMPLES / "001_cc0887e643b500c1.txt"


def kg_parallel(runs: list[tuple[list[str], str]]) -> None:
    """Run the real entry point once per (args, PYTHONHASHSEED), concurrently."""
    procs = [subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}) for args, seed in runs]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]


def test_rules_only_extract_and_build_are_byte_identical(tmp_path: Path) -> None:
    """Two processes with different PYTHONHASHSEED, one of them with two workers."""
    x1, x2, g1, g2 = (tmp_path / n for n in ("x1.jsonl", "x2.jsonl", "g1.json", "g2.json"))
    kg_parallel([(["extract", "--model", "none", "-q", str(SMALL), "-o", str(x1)], "1"),
                 (["extract", "--model", "none", "-q", "--workers", "2", "--batch-size", "16", str(SMALL),
                   "-o", str(x2)], "2")])
    g3, g4 = tmp_path / "g3.graphml", tmp_path / "g4.graphml"  # and straight from the inputs
    kg_parallel([(["build", "-q", str(x1), "-o", str(g1)], "1"),
                 (["build", "-q", str(x2), "-o", str(g2)], "2")]
                + [(["build", "--model", "none", "-q", str(SMALL), "-o", str(g)], seed)
                   for g, seed in ((g3, "3"), (g4, "4"))])
    assert x1.read_bytes().count(b"\n") > 80 and b'"entities":[{' in x1.read_bytes()  # real work
    assert x1.read_bytes() == x2.read_bytes()
    assert g1.read_bytes() == g2.read_bytes()
    assert b"<node " in g3.read_bytes()
    assert g3.read_bytes() == g4.read_bytes()


@pytest.mark.skipif(default_model_path() is None, reason="kg/models/sci_span is not installed")
def test_default_model_is_byte_identical(tmp_path: Path) -> None:
    few = tmp_path / "few.txt"  # the first ~20 papers: the NER model is slow on two shared cores
    few.write_text("\n".join(SMALL.read_text(encoding="utf-8").splitlines()[:44]) + "\n", encoding="utf-8")
    x5, x6 = tmp_path / "x5.jsonl", tmp_path / "x6.jsonl"
    kg_parallel([(["extract", "-q", str(few), "-o", str(x)], seed) for x, seed in ((x5, "5"), (x6, "6"))])
    assert x5.read_bytes().count(b"\n") >= 5
    assert x5.read_bytes() == x6.read_bytes()
