"""Issue 18, items 1, 4 and 5: kg build --update equals a full build (same bytes), a changed paper
replaces its old version, conflicting duplicates are reported naming both sources, and concurrent
updates of one graph lose nothing."""

from __future__ import annotations

import fcntl
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from kg.cli import cli


def kg(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def rec(i: int, abstract: str | None = None) -> dict:
    return {"id": f"p{i}", "title": f"Paper {i}: CLIP{i} for retrieval",
            "abstract": abstract or f"We propose CLIP{i} and evaluate it on ImageNet. Code: https://github.com/a/r{i}."}


def graph(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def nodes(path: Path) -> dict[str, dict]:
    return {n["id"]: n for n in graph(path)["nodes"]}


# -- item 5: --update equals a full build ------------------------------------------------------

@pytest.fixture(scope="module")
def sample_lines(tmp_path_factory) -> list[str]:
    out = tmp_path_factory.mktemp("ex") / "ex.jsonl"
    r = CliRunner().invoke(cli, ["extract", str(SAMPLES), "-o", str(out), "--model", "none", "-q", "--workers", "1"])
    assert r.exit_code == 0, r.output
    return out.read_text(encoding="utf-8").splitlines(keepends=True)


def test_update_from_extractions_equals_a_full_build(sample_lines, tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    again = []  # papers of a listed again in b (another source): their sources must grow
    for line in sample_lines[:40]:
        ex = json.loads(line)
        ex["paper"]["source"] = {"file": "elsewhere.txt", "line": 7}
        again.append(json.dumps(ex) + "\n")
    a.write_text("".join(sample_lines[:300]), encoding="utf-8")
    b.write_text("".join(sample_lines[300:] + again), encoding="utf-8")
    assert kg("build", a, "-o", tmp_path / "g.json", "-q").exit_code == 0
    r = kg("build", "--update", tmp_path / "g.json", b)
    assert r.exit_code == 0 and "already in the graph" in r.output, r.output
    assert kg("build", a, b, "-o", tmp_path / "full.json", "-q").exit_code == 0
    assert (tmp_path / "g.json").read_bytes() == (tmp_path / "full.json").read_bytes()
    paper = nodes(tmp_path / "g.json")["Paper:" + json.loads(again[0])["paper"]["id"]]
    assert paper["sources"][-1] == "elsewhere.txt:7"


def test_update_from_inputs_equals_a_full_build(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", [rec(i) for i in range(3)])
    b = write_jsonl(tmp_path / "b.jsonl", [rec(i) for i in range(1, 5)])  # p1, p2 again; p3, p4 new
    assert kg("build", a, "-o", tmp_path / "g.json", "--model", "none", "-q").exit_code == 0
    r = kg("build", "--update", tmp_path / "g.json", b, "--model", "none")
    assert r.exit_code == 0 and "2 new papers extracted, 2 already in the graph" in r.output, r.output
    assert kg("build", a, b, "-o", tmp_path / "full.json", "--model", "none", "-q").exit_code == 0
    assert (tmp_path / "g.json").read_bytes() == (tmp_path / "full.json").read_bytes()
    assert nodes(tmp_path / "g.json")["Paper:p1"]["sources"] == [f"{a}:2", f"{b}:1"]


# -- item 1: a changed paper replaces its old version ------------------------------------------

def test_changed_paper_replaces_its_old_version(tmp_path):
    v1 = write_jsonl(tmp_path / "v1.jsonl", [rec(0), rec(1)])
    v2 = write_jsonl(tmp_path / "v2.jsonl", [rec(0, "We fine-tune BERT on SQuAD and report 91.2 F1.")])
    g = tmp_path / "g.json"
    assert kg("build", v1, "-o", g, "--model", "none", "-q").exit_code == 0
    r = kg("build", "--update", g, v2, "--model", "none")
    assert r.exit_code == 0 and re.search(r"\b1 new papers? extracted, 0 already", r.output), r.output
    after = nodes(g)
    assert after["Paper:p0"]["abstract"].startswith("We fine-tune BERT")
    assert after["Paper:p0"]["sources"] == [f"{v2}:1"]
    assert "Repository:github.com/a/r0" not in after, "an entity only the old version named is still there"
    assert after["Dataset:imagenet"]["papers"] == ["p1"]  # the old version's edges and claims are gone
    assert {"Method:bert", "Dataset:squad"} <= set(after)
    # the same as a full build of what the graph now holds (p1 from v1, p0 from v2)
    only_p1 = write_jsonl(tmp_path / "only_p1.jsonl", [rec(1)])
    assert kg("build", only_p1, v2, "-o", tmp_path / "full.json", "--model", "none", "-q").exit_code == 0
    full = graph(tmp_path / "full.json")
    full["nodes"] = [{**n, "sources": [s.replace(str(only_p1) + ":1", str(v1) + ":2") for s in n["sources"]]}
                     if n["type"] == "Paper" else n for n in full["nodes"]]
    assert graph(g) == full
    # and it is held now: the next update extracts nothing
    r = kg("build", "--update", g, v2, "--model", "none")
    assert "0 new papers extracted, 1 already in the graph" in r.output, r.output


# -- item 1: conflicting duplicates in one run; identical ones merge ---------------------------

def test_same_id_with_other_text_in_two_files_is_an_error_naming_both(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", [rec(0), rec(1)])
    b = write_jsonl(tmp_path / "b.jsonl", [rec(2), rec(1, "We fine-tune BERT on SQuAD.")])
    r = CliRunner().invoke(cli, ["build", str(a), str(b), "-o", str(tmp_path / "g.json"), "--model", "none", "-q"])
    assert r.exit_code == 2, r.output
    assert r.stderr.splitlines() == [f"Error: {b}:2: paper 'p1' has another title or abstract than at {a}:2"]
    assert not (tmp_path / "g.json").exists()
    r = CliRunner().invoke(cli, ["build", str(a), str(b), "-o", str(tmp_path / "g.json"), "--model", "none", "-q",
                                 "--skip-invalid"])
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == [f"kg: warning: {b}:2: paper 'p1' has another title or abstract than at "
                                     f"{a}:2 (skipped)"]
    after = nodes(tmp_path / "g.json")
    assert after["Paper:p1"]["abstract"].startswith("We propose CLIP1") and after["Paper:p1"]["sources"] == [f"{a}:2"]
    assert not any(n.get("name") in ("BERT", "SQuAD") for n in after.values())


def test_two_papers_with_one_title_in_a_listing_are_reported(tmp_path):
    listing = tmp_path / "page.txt"
    title = "Janus: Decoupling Visual Encoding for Unified Multimodal Understanding"
    listing.write_text(f"{title}\nWe introduce Janus, an autoregressive framework evaluated on ImageNet.\n"
                       f"{title}\nWe study another thing entirely and evaluate it on COCO.\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["build", str(listing), "-o", str(tmp_path / "g.json"), "--model", "none", "-q"])
    assert r.exit_code == 2 and "has another title or abstract than at" in r.stderr, r.output
    assert f"{listing}:3:" in r.stderr and f"{listing}:1" in r.stderr


def test_identical_duplicates_merge(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", [rec(0)])
    b = write_jsonl(tmp_path / "b.jsonl", [rec(0)])
    r = CliRunner().invoke(cli, ["build", str(a), str(b), "-o", str(tmp_path / "g.json"), "--model", "none", "-q"])
    assert r.exit_code == 0 and r.stderr == "", r.output
    assert nodes(tmp_path / "g.json")["Paper:p0"]["sources"] == [f"{a}:1", f"{b}:1"]


# -- item 4: concurrent updates of one graph ---------------------------------------------------

def _update(g: Path, src: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "build", "--update", str(g),
                             str(src), "--model", "none", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_update_waits_for_the_graph_lock(tmp_path):
    g = tmp_path / "g.json"
    assert kg("build", write_jsonl(tmp_path / "a.jsonl", [rec(0)]), "-o", g, "--model", "none", "-q").exit_code == 0
    with open(str(g) + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = _update(g, write_jsonl(tmp_path / "b.jsonl", [rec(1)]))
        time.sleep(6)  # start-up and the update itself take ~2-3 s: it must be waiting
        assert proc.poll() is None, proc.communicate()
        assert "Paper:p1" not in nodes(g)
        fcntl.flock(lock, fcntl.LOCK_UN)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert {"Paper:p0", "Paper:p1"} <= set(nodes(g))


def test_concurrent_updates_lose_no_paper(tmp_path):
    g = tmp_path / "g.json"
    assert kg("build", write_jsonl(tmp_path / "a.jsonl", [rec(0)]), "-o", g, "--model", "none", "-q").exit_code == 0
    procs = [_update(g, write_jsonl(tmp_path / f"n{i}.jsonl", [rec(i)])) for i in (1, 2, 3)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert {f"Paper:p{i}" for i in range(4)} <= set(nodes(g))


def test_a_graph_without_its_record_or_with_a_stale_one_is_one_line(tmp_path):
    g = tmp_path / "g.json"
    a = write_jsonl(tmp_path / "a.jsonl", [rec(0)])
    assert kg("build", a, "-o", g, "--model", "none", "-q").exit_code == 0
    record = tmp_path / "g.json.extractions.jsonl"
    kept = record.read_bytes()
    record.write_text("")  # stale: holds no paper of the graph
    r = CliRunner().invoke(cli, ["build", "--update", str(g), str(a), "--model", "none", "-q"])
    assert r.exit_code == 2 and r.stderr.splitlines() == [
        f"Error: {record}: does not match {g} (was one of them changed or copied without the other?); "
        "build the graph again from its inputs"], r.output
    record.unlink()
    r = CliRunner().invoke(cli, ["build", "--update", str(g), str(a), "--model", "none", "-q"])
    assert r.exit_code == 2 and len(r.stderr.splitlines()) == 1 and "g.json.extractions.jsonl beside it" in r.stderr
    record.write_bytes(kept)
    assert CliRunner().invoke(cli, ["build", "--update", str(g), str(a), "--model", "none", "-q"]).exit_code == 0
