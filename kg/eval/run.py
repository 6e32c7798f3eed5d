"""``kg eval``: which scorer a request goes to, and its report as data and as text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from kg.errors import InputError


@dataclass
class EvalReport:
    data: dict[str, Any]  # what --json prints
    text: str  # the table otherwise
    details: str = ""  # with --errors: what the scores counted as missed and spurious


def evaluate_corpus(
    dataset: str, split: str, data: Path | None, *, relations: bool, setting: str, model: str, head: str
) -> EvalReport:
    """NER (or, with ``relations``, relation) scores on a public corpus split."""
    from kg.eval.corpora import corpus_path
    from kg.extract.pipeline import build_nlp

    if data is None and not corpus_path(dataset, split).exists():
        raise InputError(
            str(corpus_path(dataset, split)),
            None,
            "corpus file not found; pass --data PATH or put the data in ../shared",
        )
    check_corpus(dataset, data or corpus_path(dataset, split))
    if relations:
        from kg.eval.relations import evaluate_relations, format_relation_table

        # rel gives the gold entities, so only rel+ runs the NER
        nlp = build_nlp(model, rules=False, corpus_heads=True) if setting == "rel+" else None
        res = evaluate_relations(dataset, split, data, nlp=nlp, setting=setting, head=head)
        return EvalReport(res, format_relation_table(res))
    from kg.eval.ner import describe_head, evaluate_ner, format_scores

    nlp = build_nlp(model, rules=False, corpus_heads=True)
    scored = describe_head(nlp, dataset, head)
    scores = evaluate_ner(nlp, dataset, split, data, head=head)
    return EvalReport(scores, format_scores(scores, f"{dataset} {split}: mention level, exact span match, {scored}"))


# What each corpus's reader takes from a record (kg.eval.corpora): a file of another corpus fails
# here, naming its line, instead of with a KeyError deep in the scorer.
CORPUS_FIELDS = {"scierc": ("doc_key", "sentences", "ner"), "scier": ("doc_id", "sentence", "ner")}


def check_corpus(dataset: str, path: Path) -> None:
    """InputError unless every record of ``path`` has the fields ``dataset``'s reader needs."""
    import json

    wanted = CORPUS_FIELDS.get(dataset)
    if wanted is None:
        return
    try:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except (ValueError, RecursionError) as err:
                    raise InputError(str(path), number, f"invalid JSON ({err})") from None
                missing = [k for k in wanted if not isinstance(record, dict) or k not in record]
                if missing:
                    raise InputError(
                        str(path),
                        number,
                        f"not a {dataset} record (no {', '.join(map(repr, missing))}; it has {', '.join(wanted)})",
                    )
    except UnicodeDecodeError:
        raise InputError(str(path), None, "not UTF-8 text") from None


def evaluate_gold(
    gold: Path, predictions: Path | None, *, model: str, min_confidence: float | None, errors: bool = False
) -> EvalReport:
    """Our gold set against a ``kg extract`` JSONL, or against extracting its sources now; with
    ``errors``, each paper's missed and spurious entities and results too."""
    from kg.eval.gold import load_gold, normalize_title, score_gold

    gold_records = load_gold(gold)  # a file that is not gold fails before any extraction
    if predictions:
        from kg.graph.formats import iter_extractions

        preds = [ex.model_dump(mode="json") for ex in iter_extractions(predictions)]
    else:
        from kg.extract.assemble import DEFAULT_MIN_CONFIDENCE
        from kg.extract.stream import extract_stream
        from kg.model import Extraction
        from kg.read import read_papers

        files = sorted({g["source"]["file"] for g in gold_records})
        wanted = {normalize_title(g["title"]) for g in gold_records}
        # only the gold's papers: the transformer would spend minutes on the rest of the sources
        papers = (p for p in read_papers(files) if normalize_title(p.title) in wanted)
        stream = extract_stream(
            papers,
            model=None if model == "none" else model,
            workers=1,
            batch_size=64,
            min_confidence=DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence,
        )
        # Extractions (no as_lines); the cast goes once extract_stream is overloaded on as_lines.
        preds = [ex.model_dump(mode="json") for ex in cast(Iterator[Extraction], stream)]
    report = score_gold(gold, preds)
    data = report.as_dict()
    if not errors:
        del data["errors"]
    return EvalReport(data, report.table(), report.error_listing() if errors else "")


def side_by_side(reports: dict[str, EvalReport]) -> EvalReport:
    """Several models' reports on one set as one table: a row per score, P/R/F1 per model."""
    rows: dict[str, dict[str, tuple[float, float, float]]] = {}
    for model, report in reports.items():
        for label, prf in _score_rows(report.data):
            rows.setdefault(label, {})[model] = prf
    names = list(reports)
    head = f"{'':24}" + "".join(f" {name[-20:]:>20}" for name in names)
    sub = f"{'':24}" + "".join(f" {'P':>6} {'R':>6} {'F1':>6}" for _ in names)
    lines = [head, sub]
    for label, by_model in rows.items():
        cells = "".join(
            " "
            + (" ".join(f"{v:6.3f}" if v == v else f"{'':6}" for v in by_model[n]) if n in by_model else f"{'-':>20}")
            for n in names
        )
        lines.append(f"{label[:24]:24}{cells}")
    # what each report says it scored ("scierc test: …, scierc_ner head"), one line per model
    titles = [
        f"{name}: {r.text.splitlines()[0]}"
        for name, r in reports.items()
        if r.text and "mention level" in r.text.splitlines()[0]
    ]
    return EvalReport({n: r.data for n, r in reports.items()}, "\n".join(titles + lines))


def _score_rows(data: dict[str, Any]) -> list[tuple[str, tuple[float, float, float]]]:
    """(label, (P, R, F1)) rows of a gold report's or a corpus report's data."""
    if "entities" in data:  # a gold report (GoldReport.as_dict)
        rows = [(t, c) for t, c in data["entities"].items()]
        rows += [
            ("micro", data["micro"]),
            ("proposed Method", data["proposed_methods"]),
            ("EVALUATES_ON", data["evaluates_on"]),
            ("result (metric, value)", data["results"]),
        ]
        out = [(label, (c["precision"], c["recall"], c["f1"])) for label, c in rows]
        named = data["named_method_recall"]
        return out + [("named Method recall", (float("nan"), named["recall"], float("nan")))]
    if "per_type" in data:  # a relation report
        from kg.eval.relations import relation_rows

        return [(label, (c["p"], c["r"], c["f1"])) for label, c in relation_rows(data)]
    return [
        (label, (s["p"], s["r"], s["f"]))
        for label, s in data.items()
        if isinstance(s, dict) and {"p", "r", "f"} <= set(s)
    ]
