"""The CLI surface: every command documented, incremental builds, shards, explain."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from kg.cli import cli


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"kg {name}" in readme, name


def _jsonl(path, n):
    path.write_text("".join(json.dumps({"id": f"p{i}", "title": f"Paper {i}: CLIP{i}",
                                         "abstract": f"We evaluate on ImageNet. Code: https://github.com/a/r{i}."}) + "\n"
                            for i in range(n)), encoding="utf-8")


def test_update_extracts_only_new_papers(tmp_path):
    runner = CliRunner()
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _jsonl(first, 3)
    graph = tmp_path / "g.json"
    r = runner.invoke(cli, ["build", str(first), "-o", str(graph), "--model", "none"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["build", "--update", str(graph), str(first), "--model", "none"])
    assert r.exit_code == 0 and "0 new papers extracted, 3 already in the graph" in r.output
    _jsonl(second, 5)  # p0..p2 again, p3 and p4 new
    r = runner.invoke(cli, ["build", "--update", str(graph), str(second), "--model", "none"])
    assert "2 new papers extracted, 3 already in the graph" in r.output
    g = json.loads(graph.read_text())
    assert sum(1 for n in g["nodes"] if n["type"] == "Paper") == 5


def test_shards_partition_the_input_files(tmp_path):
    runner = CliRunner()
    lines = []
    for i in (1, 2, 3):
        out = tmp_path / f"part{i}.jsonl"
        r = runner.invoke(cli, ["extract", str(SAMPLES), "--shard", f"{i}/3", "--model", "none", "-o", str(out), "-q"])
        assert r.exit_code == 0, r.output
        lines += out.read_text().splitlines()
    assert len(lines) == 548
    assert len({json.loads(x)["paper"]["source"]["file"] for x in lines}) == 3
    r = runner.invoke(cli, ["extract", str(SAMPLES), "--shard", "4/3"])
    assert r.exit_code == 2 and "I/N" in r.output


def test_explain_names_sentences_and_extractors(tmp_path):
    runner = CliRunner()
    f = tmp_path / "p.jsonl"
    f.write_text(json.dumps({"id": "x", "title": "MMRL: Multi-Modal Representation Learning for Vision-Language Models",
                             "abstract": "We propose a novel Multi-Modal Representation Learning (MMRL) framework. "
                                         "Code: https://github.com/yunncheng/MMRL."}) + "\n")
    graph = tmp_path / "g.json"
    assert runner.invoke(cli, ["build", str(f), "-o", str(graph), "--model", "none"]).exit_code == 0
    r = runner.invoke(cli, ["explain", str(graph), "MMRL"])
    assert r.exit_code == 0 and "PROPOSES" in r.output and "[MMRL]" in r.output
    r = runner.invoke(cli, ["explain", str(graph), "x -> HAS_CODE -> yunncheng/MMRL"])
    assert r.exit_code == 0, r.output
    assert "-[HAS_CODE]-> Repository \"yunncheng/MMRL\"" in r.output
    assert "[https://github.com/yunncheng/MMRL]" in r.output  # the argument, marked in its sentence
    r = runner.invoke(cli, ["explain", str(graph), "nothing-like-this"])
    assert r.exit_code == 1 and "no node named" in r.output


def test_a_misspelt_name_is_answered_with_the_closest_names(tmp_path):
    # explain's NodeNotFound carried the closest names but its message left them out, so a
    # one-letter typo got only "no node named ..."; render --focus said them in its own words.
    from kg.read import read_papers

    papers = [p for p in read_papers([SAMPLES / "001_cc0887e643b500c1.txt"]) if "Stable-Diffusion" in p.abstract]
    src, graph = tmp_path / "sd.jsonl", tmp_path / "g.json"
    src.write_text("".join(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n" for p in papers))
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(src), "-o", str(graph), "--model", "none", "-q"]).exit_code == 0
    for args in (["explain", str(graph), "Stable Difusion"], ["explain", str(graph), "Stable Difusion -> nothing"],
                 ["render", str(graph), "-o", str(tmp_path / "g.html"), "--focus", "Stable Difusion"]):
        r = runner.invoke(cli, args)
        assert r.exit_code == 1 and len(r.output.splitlines()) == 1, r.output
        assert "'Stable Difusion'" in r.output and "; closest: Stable-Diffusion" in r.output, r.output
    assert not (tmp_path / "g.html").exists()


def test_update_with_nothing_new_leaves_the_graph_byte_identical(tmp_path):
    # Once it did not: resolution made a family node ("GPT") after the acronym merge, and the
    # second pass folded it into "OpenAI GPT", adding three VARIANT_OF edges.
    runner = CliRunner()
    graph = tmp_path / "g.json"
    assert runner.invoke(cli, ["build", str(SAMPLES), "-o", str(graph), "--model", "none", "-q"]).exit_code == 0
    before = graph.read_bytes()
    r = runner.invoke(cli, ["build", "--update", str(graph), str(SAMPLES), "--model", "none"])
    assert r.exit_code == 0 and "0 new papers extracted, 548 already in the graph" in r.output
    assert graph.read_bytes() == before


def test_the_cli_starts_without_the_driver_or_networkx():
    # kg.cli once imported kg.store.neo4j (and with it neo4j and networkx) at start-up: 0.9 s on
    # every command, --help included, and a wide window where Ctrl-C printed an import traceback.
    import subprocess
    import sys

    code = "import sys, kg.cli; print(sorted(m for m in ('neo4j', 'networkx', 'spacy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_format_choices_come_from_the_registries():
    from kg.graph.formats import FORMATS as GRAPH_FORMATS
    from kg.read import FORMATS as READ_FORMATS

    for name in ("extract", "build"):
        params = {p.name: p for p in cli.commands[name].params}
        assert params["fmt"].type.choices == READ_FORMATS
    assert {p.name: p for p in cli.commands["build"].params}["graph_format"].type.choices == GRAPH_FORMATS
