"""The gold scorer on a hand-made pair, and the validity of tests/data/gold/{dev,test}.jsonl."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from kg.eval.gold import load_gold, normalize_title, score_gold, url_key
from kg.schema import ENTITY_TYPES

ROOT = Path(__file__).resolve().parents[1]
DEV_GOLD = ROOT / "tests" / "data" / "gold" / "dev.jsonl"
TEST_GOLD = ROOT / "tests" / "data" / "gold" / "test.jsonl"
TEST2_GOLD = ROOT / "tests" / "data" / "gold" / "test2.jsonl"
TRAIN_GOLD = ROOT / "tests" / "data" / "gold" / "train.jsonl"  # trains the span classifier
DEV2_GOLD = ROOT / "tests" / "data" / "gold" / "dev2.jsonl"
DEV3_GOLD = ROOT / "tests" / "data" / "gold" / "dev3.jsonl"
DEV4_GOLD = ROOT / "tests" / "data" / "gold" / "dev4.jsonl"
DEV5_GOLD = ROOT / "tests" / "data" / "gold" / "dev5.jsonl"
DEV6_GOLD = ROOT / "tests" / "data" / "gold" / "dev6.jsonl"
DEV7_GOLD = ROOT / "tests" / "data" / "gold" / "dev7.jsonl"


def _entity(type_: str, name: str, aliases: list[str] | None = None, *, proposed: bool = False,
            named: bool | None = None) -> dict[str, Any]:
    entity: dict[str, Any] = {"type": type_, "name": name, "aliases": aliases or [],
                              "proposed": proposed}
    if named is not None:
        entity["named"] = named
    return entity


def _pred_entity(type_: str, name: str, aliases: list[str] | None = None, *,
                 proposed: bool = False) -> dict[str, Any]:
    key = name.lower()
    return {"id": f"{type_}:{key}", "type": type_, "name": name, "key": key,
            "aliases": aliases or [], "mentions": [], "confidence": 0.9, "proposed": proposed,
            "extractors": ["test"]}


def _relation(type_: str, head: str, tail: str) -> dict[str, Any]:
    return {"type": type_, "head": head, "tail": tail,
            "evidence": {"field": "abstract", "sentence": "", "sentence_start": 0,
                         "extractor": "test", "confidence": 1.0}}


def _result(metric_name: str, value: float) -> dict[str, Any]:
    return {"id": f"Result:{metric_name}{value}", "metric": f"Metric:{metric_name.lower()}",
            "metric_name": metric_name, "value": value, "value_text": str(value), "unit": "%",
            "kind": "absolute", "evidence": {"field": "abstract", "sentence": "",
                                             "sentence_start": 0, "extractor": "test",
                                             "confidence": 1.0}}


GOLD_PAPERS = [
    {"title": "Alpha Net: Fast Things", "source": {"file": "x.txt", "line": 1},
     "entities": [
         _entity("Method", "AlphaNet", ["Alpha Net"], proposed=True, named=True),
         _entity("Method", "ResNet-50", named=True),
         _entity("Method", "contrastive learning", named=False),
         _entity("Dataset", "ImageNet"),
         _entity("Dataset", "COCO"),
         _entity("Metric", "accuracy"),
         _entity("Task", "object detection"),
         _entity("Repository", "github.com/alpha/alphanet"),
     ],
     "evaluates_on": ["ImageNet", "COCO"],
     "results": [{"metric": "accuracy", "value": 81.5, "unit": "%", "kind": "absolute",
                  "dataset": "ImageNet", "method": "AlphaNet"},
                 {"metric": "accuracy", "value": 2.0, "unit": "points", "kind": "relative",
                  "dataset": None, "method": None}]},
    {"title": "Beta: A Missing Paper", "source": {"file": "x.txt", "line": 3},
     "entities": [_entity("Method", "Beta", proposed=True, named=True),
                  _entity("Website", "beta.github.io")],
     "evaluates_on": [], "results": []},
]

PREDICTIONS = [
    {"paper": {"id": "p1", "title": "alpha net:  fast things"},
     "entities": [
         # Found through the prediction's alias, case-insensitively.
         _pred_entity("Method", "Alpha-Net model", ["alpha net"], proposed=True),
         _pred_entity("Method", "RESNET-50"),
         # Proposed but wrong: a false positive both as Method and as proposed Method.
         _pred_entity("Method", "Transformer", proposed=True),
         # A second prediction of an entity already found is a false positive.
         _pred_entity("Dataset", "imagenet"),
         _pred_entity("Dataset", "ImageNet", ["IMAGENET"]),
         # Right name, wrong type: a false positive for Task, a miss for Metric.
         _pred_entity("Task", "accuracy"),
         _pred_entity("Task", "object detection"),
         # The extractor's form: owner/name, the link as an alias.
         _pred_entity("Repository", "Alpha/AlphaNet", ["https://github.com/Alpha/AlphaNet."]),
     ],
     "relations": [
         _relation("EVALUATES_ON", "Paper:p1", "Dataset:imagenet"),
         _relation("EVALUATES_ON", "Paper:p1", "Dataset:imagenet"),  # same tail: counted once
         _relation("EVALUATES_ON", "Paper:p1", "Dataset:cifar-10"),  # no entity record: key part
         _relation("USES", "Paper:p1", "Method:transformer"),
     ],
     "results": [_result("Accuracy", 81.5), _result("accuracy", 81.6)]},
    # Not in the gold: ignored.
    {"paper": {"id": "p9", "title": "Unrelated"},
     "entities": [_pred_entity("Method", "Gamma")], "relations": [], "results": []},
]


@pytest.fixture()
def report(tmp_path: Path):
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(json.dumps(p) + "\n" for p in GOLD_PAPERS), encoding="utf-8")
    return score_gold(gold_path, PREDICTIONS)


def _prf(counts) -> tuple[int, int, int]:
    return counts.tp, counts.fp, counts.fn


def test_entity_counts_per_type(report) -> None:
    assert report.papers == 2
    assert report.papers_predicted == 1
    assert _prf(report.by_type["Method"]) == (2, 1, 2)  # contrastive learning, Beta missed
    assert _prf(report.by_type["Dataset"]) == (1, 1, 1)
    assert _prf(report.by_type["Metric"]) == (0, 0, 1)
    assert _prf(report.by_type["Task"]) == (1, 1, 0)
    assert _prf(report.by_type["Repository"]) == (1, 0, 0)
    assert _prf(report.by_type["Website"]) == (0, 0, 1)
    assert _prf(report.micro) == (5, 3, 5)
    assert report.micro.precision == pytest.approx(5 / 8)
    assert report.micro.recall == pytest.approx(5 / 10)
    assert report.micro.f1 == pytest.approx(2 * (5 / 8) * (5 / 10) / (5 / 8 + 5 / 10))


def test_method_subsets(report) -> None:
    # Named gold methods: AlphaNet, ResNet-50 (found), Beta (paper missing).
    assert report.named_method_recall == pytest.approx(2 / 3)
    assert _prf(report.proposed_methods) == (1, 1, 1)
    assert report.proposed_methods.f1 == pytest.approx(0.5)


def test_evaluates_on_and_results(report) -> None:
    assert _prf(report.evaluates_on) == (1, 1, 1)  # ImageNet found, CIFAR-10 wrong, COCO missed
    # 81.5 accuracy found; 81.6 is not 81.5; the relative 2.0 is missed.
    assert _prf(report.results) == (1, 1, 1)


def test_report_renders(report) -> None:
    table = report.table()
    for label in (*ENTITY_TYPES, "micro", "proposed Method", "EVALUATES_ON", "named Method recall"):
        assert label in table
    as_dict = report.as_dict()
    assert as_dict["micro"]["tp"] == 5
    assert as_dict["named_method_recall"]["gold"] == 3
    json.dumps(as_dict)  # must be serializable


def test_perfect_prediction_scores_one(tmp_path: Path) -> None:
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text(json.dumps(GOLD_PAPERS[1]) + "\n", encoding="utf-8")
    perfect = {"paper": {"id": "b", "title": "Beta: A Missing Paper"},
               "entities": [_pred_entity("Method", "Beta", proposed=True),
                            _pred_entity("Website", "beta.github.io")],
               "relations": [], "results": []}
    report = score_gold(gold_path, [perfect])
    assert report.micro.f1 == 1.0
    assert report.proposed_methods.f1 == 1.0
    assert report.named_method_recall == 1.0


def test_url_key_matches_the_gold_link_form() -> None:
    assert url_key("https://github.com/ShremG/Met2Net.") == "github.com/shremg/met2net"
    assert url_key("http://www.combo-avs.github.io/") == "combo-avs.github.io"
    assert url_key("anonymous.4open.science/r/mocoop-6387") == "anonymous.4open.science/r/mocoop-6387"


# --- the dev gold file itself -------------------------------------------------------------

GOLD_TYPES = set(ENTITY_TYPES)
URL_TYPES = {"Repository", "Website"}  # stored normalized (lowercased, no scheme)


def _paper_text(source: dict[str, Any], title: str) -> tuple[str, str]:
    """The title line (checked to end with the title) and the abstract: the next non-blank line."""
    lines = (ROOT / source["file"]).read_text(encoding="utf-8").split("\n")
    title_line = lines[source["line"] - 1]
    assert title_line.strip().endswith(title), (source, title)
    abstract = next(line for line in lines[source["line"]:] if line.strip())
    return title_line, abstract


def _numbers(text: str) -> set[float]:
    return {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?|\.\d+", text)}


@pytest.fixture(scope="module", params=[DEV_GOLD, TEST_GOLD, TEST2_GOLD, TRAIN_GOLD, DEV2_GOLD, DEV3_GOLD, DEV4_GOLD, DEV5_GOLD, DEV6_GOLD, DEV7_GOLD],
                ids=["dev", "test", "test2", "train", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7"])
def gold(request) -> list[dict[str, Any]]:
    return load_gold(request.param)


def test_gold_size_and_unique_titles(gold) -> None:
    assert len(gold) >= 40
    titles = [normalize_title(p["title"]) for p in gold]
    assert len(titles) == len(set(titles))


def test_dev_and_test_gold_share_no_paper() -> None:
    sets = [{normalize_title(p["title"]) for p in load_gold(path)} for path in (DEV_GOLD, TEST_GOLD, TEST2_GOLD, TRAIN_GOLD, DEV2_GOLD, DEV3_GOLD, DEV4_GOLD, DEV5_GOLD, DEV6_GOLD, DEV7_GOLD)]
    for i, a in enumerate(sets):
        for b in sets[i + 1:]:
            assert not a & b


def test_gold_is_grounded_in_the_text(gold) -> None:
    for paper in gold:
        title_line, abstract = _paper_text(paper["source"], paper["title"])
        text = paper["title"] + "\n" + abstract
        seen: set[tuple[str, str]] = set()
        for entity in paper["entities"]:
            assert entity["type"] in GOLD_TYPES, entity
            assert isinstance(entity["proposed"], bool), entity
            if entity["type"] == "Method":
                assert isinstance(entity["named"], bool), (paper["title"], entity)
            for name in [entity["name"], *entity["aliases"]]:
                haystack, needle = (text.lower(), name.lower()) if entity["type"] in URL_TYPES \
                    else (text, name)
                assert needle in haystack, (paper["title"], entity["type"], name)
                assert (entity["type"], name.lower()) not in seen, (paper["title"], name)
                seen.add((entity["type"], name.lower()))
        names = {t: {n for e in paper["entities"] if e["type"] == t
                     for n in [e["name"], *e["aliases"]]} for t in GOLD_TYPES}
        for dataset in paper["evaluates_on"]:
            assert dataset in names["Dataset"], (paper["title"], dataset)
        numbers = _numbers(text)
        for result in paper["results"]:
            assert result["metric"] in names["Metric"], (paper["title"], result)
            assert result["kind"] in ("absolute", "relative"), result
            assert result["unit"] in ("%", "x", "points", "%p", None), result
            assert any(abs(result["value"] - n) < 1e-9 for n in numbers), (paper["title"], result)
            assert result["dataset"] is None or result["dataset"] in names["Dataset"], result
            assert result["method"] is None or result["method"] in names["Method"], result


def test_errors_list_what_the_counts_count(report) -> None:
    # `kg eval --errors`: the unmatched side of the very matchings the scores come from
    alpha, beta = report.errors  # gold order; papers with a difference only
    assert alpha["title"] == "Alpha Net: Fast Things"
    missed = [tuple(m) for m in alpha["missed"]]
    spurious = [tuple(s) for s in alpha["spurious"]]
    assert ("Method", "contrastive learning") in missed and ("Metric", "accuracy") in missed
    assert ("Dataset", "COCO") in missed and ("result", "accuracy 2 points") in missed
    assert ("Method", "Transformer") in spurious and ("Task", "accuracy") in spurious
    assert ("result", "accuracy 81.6 %") in spurious
    assert [tuple(m) for m in beta["missed"]] == [("Method", "Beta"), ("Website", "beta.github.io")]
    for kind in ENTITY_TYPES:
        listed_fn = sum(1 for p in report.errors for t, _ in p["missed"] if t == kind)
        listed_fp = sum(1 for p in report.errors for t, _ in p["spurious"] if t == kind)
        assert (listed_fn, listed_fp) == (report.by_type[kind].fn, report.by_type[kind].fp), kind
    assert sum(1 for p in report.errors for t, _ in p["missed"] if t == "result") == report.results.fn
    listing = report.error_listing()
    assert "  - Method     contrastive learning" in listing and "  + Task       accuracy" in listing


def test_kg_eval_errors_on_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text("".join(json.dumps(p) + "\n" for p in GOLD_PAPERS), encoding="utf-8")
    pred_path.write_text("".join(json.dumps(p) + "\n" for p in PREDICTIONS), encoding="utf-8")
    args = ["eval", "--gold", str(gold_path), "--predictions", str(pred_path)]
    out = CliRunner().invoke(cli, [*args, "--errors"])
    assert out.exit_code == 0, out.output
    assert "missed (-) and spurious (+)" in out.output and "  - Metric     accuracy" in out.output
    as_json = json.loads(CliRunner().invoke(cli, [*args, "--errors", "--json"]).output)
    assert as_json["errors"][1]["missed"] == [["Method", "Beta"], ["Website", "beta.github.io"]]
    plain = CliRunner().invoke(cli, args)
    assert "spurious" not in plain.output and "errors" not in json.loads(CliRunner().invoke(cli, [*args, "--json"]).output)
    refused = CliRunner().invoke(cli, ["eval", "--dataset", "scier", "--errors"])
    assert refused.exit_code == 2 and "--errors" in refused.output
