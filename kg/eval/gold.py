"""Score ``kg extract`` output against our hand-annotated dev gold (tests/data/gold/dev.jsonl).

Scoring is at entity level per paper, not at mention level: a paper's gold entity is found when a
predicted entity of the same type shares a canonical key with it (any name or alias on either
side; Repository and Website compare as links, see :func:`url_key`). Matching is one-to-one,
so a duplicate prediction of an already-found entity is a false positive. Papers are paired by
normalized title; predictions for papers outside the gold are ignored, gold papers without a
prediction count as entirely missed. The annotation rules are in
tests/data/gold/GUIDELINES.md.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.resolve.keys import canonical_key
from kg.schema import ENTITY_TYPES

__all__ = ["Counts", "GoldReport", "load_gold", "normalize_title", "score_gold", "url_key"]

VALUE_TOLERANCE = 1e-6  # relative
URL_TYPES = frozenset({"Repository", "Website"})


@dataclass
class Counts:
    """True positives, false positives, false negatives, and the P/R/F1 they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass
class GoldReport:
    """Everything :func:`score_gold` measures; ``table()`` for people, ``as_dict()`` for files."""

    papers: int = 0
    papers_predicted: int = 0  # gold papers that had a prediction
    by_type: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in ENTITY_TYPES})
    named_methods: Counts = field(default_factory=Counts)  # only recall is meaningful
    proposed_methods: Counts = field(default_factory=Counts)
    evaluates_on: Counts = field(default_factory=Counts)
    results: Counts = field(default_factory=Counts)
    # per paper with a difference: {"title", "missed": [[type, name]], "spurious": [[type, name]]},
    # in gold order; the unmatched side of the same matchings the counts come from
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def micro(self) -> Counts:
        total = Counts()
        for counts in self.by_type.values():
            total.add(counts)
        return total

    @property
    def named_method_recall(self) -> float:
        return self.named_methods.recall

    def as_dict(self) -> dict[str, Any]:
        return {
            "papers": self.papers,
            "papers_predicted": self.papers_predicted,
            "entities": {t: c.as_dict() for t, c in self.by_type.items()},
            "micro": self.micro.as_dict(),
            "named_method_recall": {
                "found": self.named_methods.tp,
                "gold": self.named_methods.tp + self.named_methods.fn,
                "recall": self.named_method_recall,
            },
            "proposed_methods": self.proposed_methods.as_dict(),
            "evaluates_on": self.evaluates_on.as_dict(),
            "results": self.results.as_dict(),
            "errors": self.errors,
        }

    def error_listing(self) -> str:
        """Each paper's missed (-) and spurious (+) entities and results, gold papers in order."""
        lines = []
        for paper in self.errors:
            lines.append(paper["title"])
            lines += [f"  - {kind:10} {name}" for kind, name in paper["missed"]]
            lines += [f"  + {kind:10} {name}" for kind, name in paper["spurious"]]
        return "\n".join(lines)

    def table(self) -> str:
        rows: list[tuple[str, Counts]] = [
            *self.by_type.items(),
            ("micro", self.micro),
            ("proposed Method", self.proposed_methods),
            ("EVALUATES_ON", self.evaluates_on),
            ("result (metric, value)", self.results),
        ]
        lines = [
            f"gold papers: {self.papers} (with a prediction: {self.papers_predicted})",
            f"{'':24} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}",
        ]
        for label, c in rows:
            lines.append(f"{label:24} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:5d} {c.fp:5d} {c.fn:5d}")
        n = self.named_methods
        lines.append(f"{'named Method recall':24} {'':6} {n.recall:6.3f} {'':6} {n.tp:5d} {'':5} {n.fn:5d}")
        return "\n".join(lines)


def normalize_title(title: str) -> str:
    """The key papers are paired on: NFKC, case-folded, whitespace collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", title)).strip().casefold()


def load_gold(gold_path: Path) -> list[dict[str, Any]]:
    """The gold records; a file that is not our gold format is an InputError naming the line."""
    records = []
    try:
        with open(gold_path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    records.append(_gold_record(gold_path, number, line))
    except UnicodeDecodeError:
        raise InputError(str(gold_path), None, "not UTF-8 text") from None
    return records


def _gold_record(path: Path, number: int, line: str) -> dict[str, Any]:
    def bad(what: str) -> InputError:
        return InputError(str(path), number, f"not a gold record ({what}; see tests/data/gold/GUIDELINES.md)")

    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as err:
        raise bad(f"invalid JSON: {err}") from None
    if not isinstance(record, dict):
        raise bad(f"a JSON {type(record).__name__}, not an object")
    source = record.get("source")
    if not (isinstance(source, dict) and isinstance(source.get("file"), str)):
        raise bad("no 'source' with a 'file'")
    if not isinstance(record.get("title"), str):
        raise bad("no 'title'")
    entities = record.get("entities")
    if not isinstance(entities, list) or not all(
        isinstance(e, dict) and isinstance(e.get("type"), str) and isinstance(e.get("name"), str) for e in entities
    ):
        raise bad("'entities' is not a list of records with 'type' and 'name'")
    for key in ("evaluates_on", "results"):
        if not isinstance(record.setdefault(key, []), list):
            raise bad(f"{key!r} is not a list")
    return record


def _keys(names: Iterable[str]) -> set[str]:
    return {k for k in (canonical_key(n) for n in names if n) if k}


def url_key(url: str) -> str:
    """A link as the gold writes it: no scheme, no ``www.``, no trailing ``/`` or ``.``, lowercase."""
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().casefold())
    return re.sub(r"^www\.", "", text).rstrip("/.")


def _entity_keys(entity: dict[str, Any]) -> set[str]:
    names = [entity.get("name", ""), *entity.get("aliases", [])]
    if entity.get("type") in URL_TYPES:
        # canonical_key would split "github.com/a/b" into words; links compare as links.
        names += [entity.get("key") or "", entity.get("url") or ""]
        return {k for k in (url_key(n) for n in names if n) if k}
    return _keys(names)


def _match_count(gold: Sequence[Any], pred: Sequence[Any], same: Callable[[Any, Any], bool]) -> int:
    """Size of a maximum one-to-one matching (augmenting paths; the sets are a few dozen)."""
    return len(_matching(gold, pred, same))


def _matching(gold: Sequence[Any], pred: Sequence[Any], same: Callable[[Any, Any], bool]) -> dict[int, int]:
    """A maximum one-to-one matching, as {pred index: gold index}."""
    gold_of_pred: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for p in range(len(pred)):
            if p in seen or not same(gold[g], pred[p]):
                continue
            seen.add(p)
            if p not in gold_of_pred or augment(gold_of_pred[p], seen):
                gold_of_pred[p] = g
                return True
        return False

    for g in range(len(gold)):
        augment(g, set())
    return gold_of_pred


def _count(gold: Sequence[Any], pred: Sequence[Any], same: Callable[[Any, Any], bool]) -> Counts:
    return _tally(_matching(gold, pred, same), gold, pred)


def _tally(matched: dict[int, int], gold: Sequence[Any], pred: Sequence[Any]) -> Counts:
    return Counts(tp=len(matched), fp=len(pred) - len(matched), fn=len(gold) - len(matched))


def _keys_overlap(a: set[str], b: set[str]) -> bool:
    return not a.isdisjoint(b)


def _score_paper(gold: dict[str, Any], pred: dict[str, Any] | None, report: GoldReport) -> None:
    pred_entities: list[dict[str, Any]] = pred.get("entities", []) if pred else []
    gold_entities: list[dict[str, Any]] = gold["entities"]
    errors: dict[str, Any] = {"title": gold["title"], "missed": [], "spurious": []}

    for entity_type in ENTITY_TYPES:
        gold_typed = [e for e in gold_entities if e["type"] == entity_type]
        pred_typed = [e for e in pred_entities if e.get("type") == entity_type]
        gold_keys = [_entity_keys(e) for e in gold_typed]
        pred_keys = [_entity_keys(e) for e in pred_typed]
        matched = _matching(gold_keys, pred_keys, _keys_overlap)
        report.by_type[entity_type].add(_tally(matched, gold_keys, pred_keys))
        found = set(matched.values())
        errors["missed"] += [[entity_type, e["name"]] for i, e in enumerate(gold_typed) if i not in found]
        errors["spurious"] += [[entity_type, e.get("name", "")] for i, e in enumerate(pred_typed) if i not in matched]

    gold_methods = [e for e in gold_entities if e["type"] == "Method"]
    pred_method_keys = [_entity_keys(e) for e in pred_entities if e.get("type") == "Method"]
    named_gold = [_entity_keys(e) for e in gold_methods if e.get("named")]
    # Recall only: a predicted generic method is no error against the named subset.
    named_found = _match_count(named_gold, pred_method_keys, _keys_overlap)
    report.named_methods.add(Counts(tp=named_found, fn=len(named_gold) - named_found))

    report.proposed_methods.add(
        _count(
            [_entity_keys(e) for e in gold_methods if e.get("proposed")],
            [_entity_keys(e) for e in pred_entities if e.get("type") == "Method" and e.get("proposed")],
            _keys_overlap,
        )
    )

    report.evaluates_on.add(_count(_evaluates_on_gold(gold), _evaluates_on_pred(pred), _keys_overlap))
    gold_results, pred_results = _results_gold(gold), _results_pred(pred)
    matched = _matching(gold_results, pred_results, _same_result)
    report.results.add(_tally(matched, gold_results, pred_results))
    found = set(matched.values())
    errors["missed"] += [["result", _result_text(r)] for i, r in enumerate(gold.get("results", [])) if i not in found]
    errors["spurious"] += [["result", _result_text(r)] for i, r in enumerate(_valued_results(pred)) if i not in matched]
    if errors["missed"] or errors["spurious"]:
        report.errors.append(errors)


def _result_text(result: dict[str, Any]) -> str:
    """ "accuracy 81.5 %", as a gold record or an extraction writes it."""
    metric = result.get("metric_name") or str(result.get("metric", "")).partition(":")[2] or result.get("metric")
    unit = f" {result['unit']}" if result.get("unit") else ""
    return f"{metric} {result['value']:g}{unit}"


def _evaluates_on_gold(gold: dict[str, Any]) -> list[set[str]]:
    """Each gold dataset name, widened by the aliases of the gold Dataset entity it names."""
    datasets = [_entity_keys(e) for e in gold["entities"] if e["type"] == "Dataset"]
    out: list[set[str]] = []
    for name in gold.get("evaluates_on", []):
        keys = _keys([name])
        out.append(set().union(keys, *(d for d in datasets if d & keys)))
    return out


def _evaluates_on_pred(pred: dict[str, Any] | None) -> list[set[str]]:
    if not pred:
        return []
    by_id = {e.get("id"): e for e in pred.get("entities", [])}
    tails: dict[str, set[str]] = {}  # one per tail node, however many sentences support it
    for relation in pred.get("relations", []):
        if relation.get("type") != "EVALUATES_ON" or not str(relation.get("head", "")).startswith("Paper:"):
            continue
        tail = str(relation.get("tail", ""))
        entity = by_id.get(tail)
        # An id without an entity record still names its dataset through its key part.
        tails[tail] = _entity_keys(entity) if entity else _keys([tail.partition(":")[2]])
    return list(tails.values())


def _results_gold(gold: dict[str, Any]) -> list[tuple[set[str], float]]:
    metrics = [_entity_keys(e) for e in gold["entities"] if e["type"] == "Metric"]
    out: list[tuple[set[str], float]] = []
    for result in gold.get("results", []):
        keys = _keys([result["metric"]])
        out.append((set().union(keys, *(m for m in metrics if m & keys)), float(result["value"])))
    return out


def _valued_results(pred: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The predicted results that are scored: those with a value, in order."""
    return [r for r in (pred or {}).get("results", []) if r.get("value") is not None]


def _results_pred(pred: dict[str, Any] | None) -> list[tuple[set[str], float]]:
    return [
        (_keys([r.get("metric_name") or str(r.get("metric", "")).partition(":")[2]]), float(r["value"]))
        for r in _valued_results(pred)
    ]


def _same_result(gold: tuple[set[str], float], pred: tuple[set[str], float]) -> bool:
    (gold_keys, gold_value), (pred_keys, pred_value) = gold, pred
    close = abs(gold_value - pred_value) <= VALUE_TOLERANCE * max(abs(gold_value), abs(pred_value))
    return close and _keys_overlap(gold_keys, pred_keys)


def score_gold(gold_path: Path, predictions: Iterable[dict[str, Any]]) -> GoldReport:
    """Score predictions (``Extraction`` dicts, i.e. ``kg extract`` lines) against the gold file."""
    gold_papers = load_gold(gold_path)
    wanted = {normalize_title(g["title"]) for g in gold_papers}
    by_title: dict[str, dict[str, Any]] = {}
    for prediction in predictions:
        title = normalize_title(prediction.get("paper", {}).get("title", ""))
        # The first prediction for a title wins: a duplicate record must not score twice.
        if title in wanted and title not in by_title:
            by_title[title] = prediction
    report = GoldReport(papers=len(gold_papers), papers_predicted=len(by_title))
    for gold in gold_papers:
        _score_paper(gold, by_title.get(normalize_title(gold["title"])), report)
    return report


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m kg.eval.gold PREDICTIONS.jsonl [GOLD.jsonl] [--json]``"""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("predictions", type=Path)
    parser.add_argument("gold", type=Path, nargs="?", default=Path("tests/data/gold/dev.jsonl"))
    parser.add_argument("--json", action="store_true", help="print as_dict() as JSON")
    args = parser.parse_args(argv)
    with open(args.predictions, encoding="utf-8") as handle:
        report = score_gold(args.gold, (json.loads(line) for line in handle if line.strip()))
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.table())


if __name__ == "__main__":
    main()
