"""Text that is valid but absurd (issue 18): a 309-digit number (item 8, the extraction side), a
megabyte abstract (item 10: refused with a documented limit, --max-chars), and a sentence glued
to the next one after a URL (item 13: "webpage.https://… and pairs.F1 scores" gave "pairs.F1")."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from kg.cli import cli
from kg.extract.numbers import MAX_VALUE, read_values
from kg.extract.sentences import split_sentences
from kg.model import Result

HUGE = "9" * 309  # float() gives inf
BIG_SENTENCE = (f"Our method reaches an accuracy of {HUGE}% on ImageNet and an F1 of 75.2 on SQuAD, with a BLEU "
                f"of 100000000000000000000 on WMT'14 and an error rate falling from {HUGE} to 3.5.")


def _run(args: list[str]):
    return CliRunner().invoke(cli, args)


def _strict_rows(path: Path) -> list[dict]:
    def bad(name: str):
        raise AssertionError(f"non-standard JSON constant {name}")
    return [json.loads(line, parse_constant=bad) for line in path.read_text(encoding="utf-8").split("\n") if line]


def _write(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# -- item 8: absurd numbers are not results --------------------------------------------------------

def test_absurd_numbers_are_not_values() -> None:
    text = f"It reaches an accuracy of {HUGE}% and an F1 of 10000000000000000 on X."
    assert [v.value for v in read_values(text, 0, len(text))] == []
    text = "It reaches a throughput of 1,000,000,000,000 and an error of 10000000000000000 on X."
    assert [v.value for v in read_values(text, 0, len(text))] == [1e12]  # 1e12 <= MAX_VALUE < 1e16
    assert MAX_VALUE == 1e15


def test_a_309_digit_number_gives_no_result_and_builds(tmp_path: Path) -> None:
    """kg extract wrote "value": null (the float was inf), which kg build then rejected."""
    src = _write(tmp_path / "in.jsonl", {"id": "p1", "title": "Big numbers", "abstract": BIG_SENTENCE})
    out = tmp_path / "ex.jsonl"
    r = _run(["extract", "-q", "--model", "none", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    [row] = _strict_rows(out)
    for res in row["results"]:
        assert isinstance(res["value"], float | int) and math.isfinite(res["value"]), res
        assert abs(res["value"]) <= MAX_VALUE and (res["range_high"] is None or abs(res["range_high"]) <= MAX_VALUE)
    assert [(x["metric_name"], x["value"]) for x in row["results"]] == [("F1", 75.2)]
    r = _run(["build", "-q", str(out), "-o", str(tmp_path / "g.json")])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("field", ["value", "range_high"])
@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_a_result_cannot_hold_inf_or_nan(field: str, bad: float) -> None:
    ok = {"id": "Result:1", "metric": "Metric:f1", "metric_name": "F1", "value": 1.0, "value_text": "1",
          "kind": "absolute", "evidence": {"field": "abstract", "sentence": "F1 1", "sentence_start": 0,
                                           "extractor": "kg_results", "confidence": 0.9}}
    Result.model_validate(ok)
    with pytest.raises(ValidationError):
        Result.model_validate({**ok, field: bad})
    with pytest.raises(ValidationError):  # nor from JSON: 1e999 parses to inf
        Result.model_validate_json(json.dumps({**ok, field: 1.5}).replace("1.5", "1e999"))


# -- item 10: over-long records are refused, with a documented limit -----------------------------

SENTENCE = "We propose Met$^2$Net, a transformer that reaches 84.2% top-1 accuracy on ImageNet. "
MEGABYTE = (SENTENCE * (2**20 // len(SENTENCE) + 1))[: 2**20]


def test_a_megabyte_abstract_is_refused_in_one_line(tmp_path: Path) -> None:
    """Memory grew ~2 GB per MB of abstract, with no cap: now a record over --max-chars (title and
    abstract together, 200,000 by default) is refused before any extraction, naming its line."""
    src = _write(tmp_path / "in.jsonl", {"id": "ok", "title": "Small", "abstract": SENTENCE},
                 {"id": "big", "title": "One Megabyte", "abstract": MEGABYTE})
    for cmd, out in (("extract", "ex.jsonl"), ("build", "g.json")):
        r = _run([cmd, "-q", "--model", "none", str(src), "-o", str(tmp_path / out)])
        assert r.exit_code == 2, r.output
        line = r.output.strip()
        assert "\n" not in line and "Traceback" not in line
        chars = len("One Megabyte") + len(MEGABYTE.strip())
        assert f"{src}:2:" in line and f"{chars:,} characters" in line, line
        assert "over the limit of 200,000" in line and "--max-chars" in line, line
        assert not (tmp_path / out).exists()


def test_skip_invalid_skips_an_over_long_record_and_the_limit_is_a_flag(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", {"id": "ok", "title": "Small", "abstract": SENTENCE},
                 {"id": "big", "title": "One Megabyte", "abstract": MEGABYTE})
    out = tmp_path / "ex.jsonl"
    r = _run(["extract", "-q", "--model", "none", "--skip-invalid", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "warning" in r.output and f"{src}:2:" in r.output and "(skipped)" in r.output
    assert [row["paper"]["id"] for row in _strict_rows(out)] == ["ok"]
    # the flag lowers (or, with 0, lifts) the limit
    r = _run(["extract", "-q", "--model", "none", "--max-chars", "50", str(src), "-o", str(out)])
    assert r.exit_code == 2 and f"{src}:1:" in r.output and "over the limit of 50" in r.output, r.output
    r = _run(["extract", "--help"])
    assert "--max-chars" in r.output and "200,000" in r.output


# -- item 13: a sentence glued to the next one -----------------------------------------------------

GLUED = ("We release our code and models on our webpage.https://github.com/x/y and pairs.F1 scores on "
         "the benchmark improve by 3.1 points. The project page is available on this "
         "webpage.https://badripatro.github.io/svt/.")


@pytest.mark.parametrize("model", ["none", "fast"])
def test_a_glued_sentence_boundary_gives_no_junk_name(tmp_path: Path, model: str) -> None:
    src = _write(tmp_path / "in.jsonl", {"id": "u", "title": "Scattering Vision Transformer", "abstract": GLUED})
    out = tmp_path / "ex.jsonl"
    r = _run(["extract", "-q", "--model", model, str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    [row] = _strict_rows(out)
    names = {(e["type"], e["name"]) for e in row["entities"]}
    assert not [n for _, n in names if "pairs" in n or "webpage" in n], names
    assert ("Repository", "x/y") in names and ("Website", "badripatro.github.io/svt") in names


def test_the_splitter_splits_a_glued_boundary_as_the_sentencizer_does() -> None:
    text = "It improves pairs.F1 scores by 3 points on our webpage.https://a.org/x. Node.js and e.g.BERT stay."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "It improves pairs.", "F1 scores by 3 points on our webpage.https://a.org/x.", "Node.js and e.g.BERT stay."]


# -- found by the whole-path fuzz ----------------------------------------------------------------

def test_titles_without_letters_or_digits_get_ids_of_their_own(tmp_path: Path) -> None:
    """Every title that normalises to nothing ("\\x00", "???", "—") hashed to one id, so two such
    papers were one paper with two texts: refused, or with --skip-invalid the second dropped."""
    from kg.read.ids import title_id
    assert len({title_id(t) for t in ("\x00", "???", "—", "\x1b[31m")}) == 4
    assert title_id("CLIP: Learning") == title_id("clip learning")  # normalising still merges these
    src = _write(tmp_path / "in.jsonl", {"title": "\x00", "abstract": "We use BERT."},
                 {"title": "???", "abstract": "We use GPT-2."})
    r = _run(["build", "-q", "--model", "none", str(src), "-o", str(tmp_path / "g.json")])
    assert r.exit_code == 0, r.output
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert len([n for n in data["nodes"] if n["type"] == "Paper"]) == 2
