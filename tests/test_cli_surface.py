"""The CLI a newcomer meets (issue 18, items 11, 13, 14, 15): help that is true and complete,
errors that are one line with exit 2, nothing raw from the input on the terminal, a progress
bar whose ETA means something, ``python -m kg``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli

MMRL = {"id": "x", "title": "MMRL: Multi-Modal Representation Learning for Vision-Language Models",
        "abstract": "We propose a novel Multi-Modal Representation Learning (MMRL) framework. "
                    "Code: https://github.com/yunncheng/MMRL."}


def _one_line_exit_2(r) -> str:
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r.output
    return lines[0]


def _build(tmp_path: Path, *records: dict) -> Path:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    graph = tmp_path / "g.json"
    r = CliRunner().invoke(cli, ["build", "-q", "--model", "none", str(src), "-o", str(graph)])
    assert r.exit_code == 0, r.output
    return graph


# -- item 14: help ------------------------------------------------------------------------------

def test_explain_help_examples_work(tmp_path: Path) -> None:
    graph = _build(tmp_path, MMRL)
    help_text = CliRunner().invoke(cli, ["explain", "--help"]).output
    examples = re.findall(r"kg explain out/graph\.json (.+)", help_text)
    assert len(examples) >= 2
    for example in examples:
        query = example.strip()
        query = query[1:-1] if query.startswith('"') else query
        r = CliRunner().invoke(cli, ["explain", str(graph), query])
        assert r.exit_code == 0, (example, r.output)
    assert re.search(r"--limit.*edges", help_text, re.S)


def _options():
    for name, command in cli.commands.items():
        for p in command.params:
            if isinstance(p, click.Option) and not p.hidden and p.name not in ("help",):
                yield name, p


@pytest.mark.parametrize("command, option", [(c, o.opts[-1]) for c, o in _options()])
def test_every_option_has_help(command: str, option: str) -> None:
    p = next(o for o in cli.commands[command].params if o.opts[-1] == option)
    assert p.help, f"kg {command} {option} has no help text"


def test_a_mistyped_query_name_suggests_the_closest() -> None:
    r = CliRunner().invoke(cli, ["query", "papers-on-datset"])
    line = _one_line_exit_2(r)
    assert "papers-on-dataset" in line and "kg query --list" in line


def test_one_paper_is_singular(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(MMRL) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["extract", "--model", "none", str(src), "-o", str(tmp_path / "o.jsonl")])
    assert r.exit_code == 0
    assert re.search(r"extracted 1 paper, \d+ entit(y|ies), \d+ relations?\b", r.output), r.output


# -- item 13: nothing raw from the input reaches the terminal; nan is no confidence ---------------

def test_explain_escapes_terminal_control_sequences(tmp_path: Path) -> None:
    evil = dict(MMRL, title="MMRL\x1b]0;pwned\x07: \x1b[2J Multi-Modal \u202eRepresentation Learning")
    graph = _build(tmp_path, evil)
    for args in (["explain", str(graph), "MMRL"], ["stats", str(graph)], ["explain", str(graph), "\x1b[31mnope"]):
        r = CliRunner().invoke(cli, args)
        assert "\x1b" not in r.output and "\x07" not in r.output and "\u202e" not in r.output, r.output
    r = CliRunner().invoke(cli, ["explain", str(graph), "MMRL"])
    assert "\\x1b]0;pwned\\x07" in r.output


@pytest.mark.parametrize("command", ["extract", "build"])
def test_min_confidence_nan_is_refused(command: str, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(MMRL) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, [command, "--model", "none", "--min-confidence", "nan", str(src),
                                 "-o", str(tmp_path / "o.json")])
    assert r.exit_code == 2 and "nan" in r.output, r.output
    assert not (tmp_path / "o.json").exists()


def test_build_to_stdout(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(MMRL) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["build", "-q", "--model", "none", str(src), "-o", "-"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["nodes"]
    assert not (tmp_path / "-").exists()


# -- item 11: tracebacks that are now one line ----------------------------------------------------

def test_a_model_that_does_not_exist(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(MMRL) + "\n", encoding="utf-8")
    for workers in ("1", "2"):
        r = CliRunner().invoke(cli, ["extract", "--model", "/nonexistent", "--workers", workers, str(src),
                                     "-o", str(tmp_path / "o.jsonl")])
        assert "/nonexistent" in _one_line_exit_2(r)


def test_a_dead_worker_is_one_line(tmp_path: Path, monkeypatch) -> None:
    import kg.extract.stream as stream_mod
    from kg.extract.pool import WorkerError

    def dies(*args, **kwargs):
        raise WorkerError("an extraction worker died (exit code -9)")
        yield  # pragma: no cover

    monkeypatch.setattr(stream_mod, "extract_stream", dies)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(MMRL) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["extract", "-q", "--model", "none", str(src), "-o", str(tmp_path / "o.jsonl")])
    assert "worker died" in _one_line_exit_2(r)


def test_eval_gold_on_a_file_that_is_not_gold(tmp_path: Path) -> None:
    src = tmp_path / "papers.jsonl"
    src.write_text(json.dumps(MMRL) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["eval", "--gold", str(src), "--model", "none"])
    line = _one_line_exit_2(r)
    assert line.startswith(f"Error: {src}:1: ") and "source" in line


def test_eval_data_from_another_corpus(tmp_path: Path) -> None:
    data = tmp_path / "other.jsonl"
    data.write_text(json.dumps({"sentence": "a b", "ner": [], "doc_id": "d"}) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["eval", "--dataset", "scierc", "--data", str(data), "--model", "none"])
    line = _one_line_exit_2(r)
    assert line.startswith(f"Error: {data}:1: ") and "sentences" in line


# -- item 15: progress and python -m kg -----------------------------------------------------------

def test_eta_comes_from_a_moving_rate_and_waits_until_it_means_something() -> None:
    from kg.cli.common import Rate

    clock = [0.0]
    rate = Rate(total=10_000, now=lambda: clock[0])
    clock[0] = 30.0  # a slow start: model loading, worker start-up
    rate.advance(64)
    assert rate.eta() is None  # one batch says nothing yet
    for _ in range(40):  # then 64 papers every 0.25 s: 256 papers/s
        clock[0] += 0.25
        rate.advance(64)
    eta = rate.eta()
    assert eta is not None
    left = (10_000 - 41 * 64) / 256
    assert abs(eta - left) / left < 0.15, (eta, left)


def test_python_dash_m_kg() -> None:
    r = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "kg extract" in r.stdout, r.stderr
