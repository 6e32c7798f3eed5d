"""`kg export --format neo4j-admin OUTDIR PARTS…`: the CSVs streamed from extraction files equal,
as sets of rows under the same headers, those exported from the NetworkX graph of the same files."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from kg.cli.pipeline import build
from kg.cli.store import export
from kg.errors import InputError
from kg.store.stream_export import export_stream

csv.field_size_limit(1 << 30)


def tables(directory: Path) -> dict[str, tuple[list[str], set[tuple[str, ...]], int]]:
    """Each CSV: its header, its rows as a set, and how many rows it has."""
    out = {}
    for f in sorted(directory.glob("*.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            header, *rows = list(csv.reader(fh))
        out[f.name] = (header, set(map(tuple, rows)), len(rows))
    return out


def write_parts(lines: list[str], directory: Path, n: int) -> list[Path]:
    """The lines as ``n`` gzip parts, as `kg extract --cluster` writes them."""
    directory.mkdir(parents=True, exist_ok=True)
    size = -(-len(lines) // n)
    paths = []
    for i in range(n):
        path = directory / f"part-{i:05d}.jsonl.gz"
        path.write_bytes(gzip.compress("".join(x + "\n" for x in lines[i * size : (i + 1) * size]).encode()))
        paths.append(path)
    return paths


def assert_same_export(extractions: Path, parts: list[Path], tmp_path: Path) -> None:
    whole = CliRunner().invoke(export, [str(tmp_path / "nx"), "--graph", str(extractions)])
    assert whole.exit_code == 0, whole.output
    streamed = CliRunner().invoke(export, ["--format", "neo4j-admin", str(tmp_path / "stream"), *map(str, parts)])
    assert streamed.exit_code == 0, streamed.output
    want, got = tables(tmp_path / "nx"), tables(tmp_path / "stream")
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name][0] == want[name][0], name  # the same columns with the same types
        assert got[name][1:] == want[name][1:], name  # the same rows, each once
    command = (tmp_path / "stream" / "import-command.sh").read_text()
    assert "--nodes=" in command and str(tmp_path / "stream") in command
    assert not list((tmp_path / "stream").glob(".kg-export-*"))  # the scratch database is gone


@pytest.fixture(scope="module")
def rules_lines() -> list[str]:
    """The rules-only extraction of the samples' listings: 548 records, three papers twice."""
    from kg.extract.stream import extract_stream
    from kg.read import read_papers

    return [line.json for line in extract_stream(read_papers([SAMPLES]), model=None, as_lines=True)]


def test_streamed_rules_only_samples_equal_the_graph_export(rules_lines, tmp_path):
    whole = tmp_path / "x.jsonl"
    whole.write_text("".join(x + "\n" for x in rules_lines), encoding="utf-8")
    ids = [json.loads(x)["paper"]["id"] for x in rules_lines]
    assert len(set(ids)) < len(ids)  # papers read twice take the aggregated path
    parts = write_parts(rules_lines, tmp_path / "parts", 3)
    assert_same_export(whole, parts, tmp_path)


def test_streamed_samples_equal_the_graph_export(sample_extractions, tmp_path):
    """The default pipeline: acronyms merge and variant families form, so resolution folds edges."""
    lines = [ex.model_dump_json() for ex in sample_extractions]
    whole = tmp_path / "x.jsonl"
    whole.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    write_parts(lines, tmp_path / "parts", 4)
    assert_same_export(whole, [tmp_path / "parts"], tmp_path)  # a directory of parts


def test_kg_build_reads_gzip_parts(rules_lines, tmp_path):
    whole = tmp_path / "x.jsonl"
    whole.write_text("".join(x + "\n" for x in rules_lines), encoding="utf-8")
    parts = write_parts(rules_lines, tmp_path / "parts", 3)
    for name, inputs in (("a.json", [whole]), ("b.json", parts)):
        result = CliRunner().invoke(build, [*map(str, inputs), "-o", str(tmp_path / name), "-q"])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_a_paper_id_with_two_texts_is_refused_naming_both(rules_lines, tmp_path):
    first = json.loads(rules_lines[0])
    other = json.loads(rules_lines[1])
    other["paper"]["id"] = first["paper"]["id"]
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(first) + "\n" + json.dumps(other) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="another title or abstract"):
        export_stream([path], tmp_path / "out")


def test_graph_and_parts_together_are_refused(tmp_path):
    (tmp_path / "x.jsonl").write_text("", encoding="utf-8")
    result = CliRunner().invoke(
        export, [str(tmp_path / "o"), str(tmp_path / "x.jsonl"), "-g", str(tmp_path / "x.jsonl")]
    )
    assert result.exit_code == 2 and "one of the two" in result.output
