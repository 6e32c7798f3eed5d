"""Issue 18's reader faults: a bad JSON array element skipped (not everything after it), commas
checked, listing misalignment detected, linear reading of large arrays and feeds, BOM'd extraction
JSONL, and FIFO/stdin inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.read import read_papers


def _rec(i: int) -> str:
    return json.dumps({"id": f"p{i}", "title": f"Paper {i}", "abstract": f"We study thing {i} on ImageNet."})


def _read(path: Path, **kw):
    errors: list[InputError] = []
    papers = list(read_papers([path], on_error=errors.append, **kw))
    return papers, [str(e) for e in errors]


# -- item 2: --skip-invalid on a JSON array skips the bad element, not the rest ---------------

def test_skip_invalid_json_array_keeps_the_elements_after_a_bad_one(tmp_path):
    f = tmp_path / "a.json"
    f.write_text("[\n" + _rec(0) + ",\n" + '{"id": "p1", "title": "Bad" "abstract": "x"},\n'
                 + ",\n".join(_rec(i) for i in (2, 3, 4)) + "\n]\n")
    papers, errors = _read(f)
    assert [p.id for p in papers] == ["p0", "p2", "p3", "p4"]
    assert [p.source.line for p in papers] == [2, 4, 5, 6]
    assert len(errors) == 1 and errors[0].startswith(f"{f}:3: invalid JSON"), errors


def test_skip_invalid_json_array_survives_brackets_inside_a_bad_elements_strings(tmp_path):
    f = tmp_path / "a.json"
    f.write_text("[" + '{"id": "p0", "title": "x ] y, {", "abstract": 1 2},' + _rec(1) + "]")
    papers, errors = _read(f)
    assert [p.id for p in papers] == ["p1"] and len(errors) == 1


# -- item 13: missing or extra commas in a JSON array are errors -----------------------------

@pytest.mark.parametrize("text, line, message", [
    ("[\n{A}\n{B}\n]", 3, "missing ',' between array elements"),
    ("[\n{A},\n,{B}\n]", 3, "extra ',' in the array"),
    ("[\n{A},\n{B},\n]", 3, "extra ',' before ']'"),
    ("[,\n{A},{B}]", 1, "extra ',' in the array"),
])
def test_json_array_commas_are_checked(text, line, message, tmp_path):
    f = tmp_path / "a.json"
    f.write_text(text.replace("{A}", _rec(0)).replace("{B}", _rec(1)))
    with pytest.raises(InputError) as err:
        list(read_papers([f]))
    assert str(err.value) == f"{f}:{line}: invalid JSON ({message})"
    papers, errors = _read(f)  # --skip-invalid: reported, and both records kept
    assert [p.id for p in papers] == ["p0", "p1"] and len(errors) == 1


def test_well_formed_arrays_still_read(tmp_path):
    f = tmp_path / "a.json"
    for text, n in (("[]", 0), ("[ ]\n", 0), ("[" + _rec(0) + "]", 1),
                    ("[\n " + _rec(0) + " ,\n " + _rec(1) + "\n]", 2)):
        f.write_text(text)
        assert len(list(read_papers([f], fmt="json"))) == n


# -- item 3: a listing whose titles and abstracts are out of step is detected ----------------

T = "{0}: {1} Things for Large Vision-Language Models"
ABSTRACT = "We propose {0}, a method for {1}. It improves accuracy on ImageNet by 2 points."


def _listing(papers: list[tuple[str, str | None]]) -> str:
    lines = ["Daily Papers", ""]
    for title, abstract in papers:
        lines += [title, ""] + ([abstract, ""] if abstract else [])
    return "\n".join(lines)


def test_listing_title_without_abstract_is_detected(tmp_path):
    f = tmp_path / "page.txt"
    f.write_text(_listing([(T.format("Alpha", "Fast"), None),
                           (T.format("Beta", "Slow"), ABSTRACT.format("Beta", "slow things")),
                           (T.format("Gamma", "Other"), None),
                           (T.format("Delta", "Big"), ABSTRACT.format("Delta", "big things")),
                           (T.format("Epsilon", "Small"), ABSTRACT.format("Epsilon", "small things"))]))
    with pytest.raises(InputError) as err:
        list(read_papers([f]))
    assert str(err.value).startswith(f"{f}:3: title 'Alpha: Fast Things for Large Vision-Language Models' "
                                     "is followed by "
                                     "'Beta: Slow Things for Large Vision-Language Models', "
                                     "which looks like a title"), err.value
    papers, errors = _read(f)
    assert [(p.title.split(":")[0], p.abstract[:12]) for p in papers] == [
        ("Beta", "We propose B"), ("Delta", "We propose D"), ("Epsilon", "We propose E")]
    assert len(errors) == 2 and "Gamma: Other Things" in errors[1]


def test_listing_abstract_in_a_title_position_is_detected(tmp_path):
    f = tmp_path / "page.txt"  # an abstract without its title: the abstract is read as a title
    f.write_text(_listing([(T.format("Alpha", "Fast"), ABSTRACT.format("Alpha", "fast things")),
                           (ABSTRACT.format("Beta", "slow things"), None),
                           (T.format("Gamma", "Other"), ABSTRACT.format("Gamma", "other things"))]))
    papers, errors = _read(f)
    assert [p.title.split(":")[0] for p in papers] == ["Alpha", "Gamma"]
    assert len(errors) == 1 and "reads like an abstract" in errors[0], errors


def test_sample_listings_are_not_flagged(sample_papers):
    assert len(sample_papers) == 548  # read without on_error: any flag would have raised


# -- item 9: reading is linear in the number of records ---------------------------------------

def _seconds(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _atom(n: int) -> str:
    entry = ("<entry>\n<id>http://arxiv.org/abs/2401.{i:05d}v1</id>\n<title>Paper {i}</title>\n"
             "<summary>We study thing {i} on ImageNet.\nIt is good.\n" + "Filler text here.\n" * 20
             + "</summary>\n</entry>\n")
    return ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            + "".join(entry.format(i=i) for i in range(n)) + "</feed>\n")


def _array(n: int) -> str:
    filler = "\\n".join(["filler"] * 20)
    return "[\n" + ",\n".join(json.dumps({"id": f"p{i}", "title": f"Paper {i}"})[:-1]
                              + f', "abstract": "We study {i}. {filler}"\n}}' for i in range(n)) + "\n]\n"


@pytest.mark.parametrize("suffix, make", [(".json", _array), (".xml", _atom)])
def test_reading_is_linear(suffix, make, tmp_path):
    small, large = tmp_path / f"small{suffix}", tmp_path / f"large{suffix}"
    n = 2000
    small.write_text(make(n))
    large.write_text(make(4 * n))
    assert sum(1 for _ in read_papers([large])) == 4 * n
    t_small = _seconds(lambda: sum(1 for _ in read_papers([small])))
    t_large = _seconds(lambda: sum(1 for _ in read_papers([large])))
    # 4x the records: ~4x the time when linear, ~16x when quadratic
    assert t_large / t_small < 8, (t_small, t_large)


# -- item 13: extraction JSONL with a BOM, FIFO and stdin inputs ------------------------------

def test_extraction_jsonl_with_a_bom_builds(tmp_path):
    runner = CliRunner()
    src = tmp_path / "p.jsonl"
    src.write_text(_rec(0) + "\n" + _rec(1) + "\n")
    ex = tmp_path / "ex.jsonl"
    assert runner.invoke(cli, ["extract", str(src), "-o", str(ex), "--model", "none", "-q"]).exit_code == 0
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + ex.read_bytes())
    r = runner.invoke(cli, ["build", str(bom), "-o", str(tmp_path / "a.json"), "-q"])
    assert r.exit_code == 0, r.output
    assert runner.invoke(cli, ["build", str(ex), "-o", str(tmp_path / "b.json"), "-q"]).exit_code == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_stdin_input_is_read(tmp_path):
    text = _rec(0) + "\n" + _rec(1) + "\n"
    out = tmp_path / "out.jsonl"
    r = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "extract", "-", "-o", str(out),
                        "--model", "none", "-q"], input=text, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["paper"]["id"] for row in rows] == ["p0", "p1"]
    assert rows[0]["paper"]["source"] == {"file": "<stdin>", "line": 1, "pointer": None}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_input_is_read(tmp_path):
    fifo = tmp_path / "in.json"
    os.mkfifo(fifo)
    text = "[" + _rec(0) + ",\n" + _rec(1) + "]"

    def feed():
        with open(fifo, "w") as fh:
            fh.write(text)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    papers = list(read_papers([fifo]))
    writer.join(5)
    assert [(p.id, p.source.line) for p in papers] == [("p0", 1), ("p1", 2)]
