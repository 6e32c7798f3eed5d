"""``kg eval``: extraction quality against gold data (the scoring is kg.eval's)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kg.cli.common import Confidence, KgCommand, echo


@click.command("eval", cls=KgCommand)
@click.option(
    "--dataset",
    type=click.Choice(["scierc", "scier", "tdmsci"]),
    default=None,
    help="Score the NER (and with --relations the relation model) on a public corpus.",
)
@click.option(
    "--split",
    type=click.Choice(["train", "dev", "test"]),
    default="test",
    show_default=True,
    help="With --dataset: which split of the corpus to score.",
)
@click.option(
    "--data",
    "data_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="The corpus JSONL (default ../shared/data/DATASET/SPLIT.jsonl).",
)
@click.option("--relations", is_flag=True, help="Score relations instead of entities.")
@click.option(
    "--setting",
    type=click.Choice(["rel", "rel+"]),
    default="rel+",
    show_default=True,
    help="rel: gold entities given; rel+: end to end from predicted entities.",
)
@click.option(
    "--gold",
    "gold_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Score extraction against a gold JSONL of our format (tests/data/gold/GUIDELINES.md).",
)
@click.option(
    "--predictions",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="With --gold: a `kg extract` JSONL to score (default: extract the gold's sources now).",
)
@click.option(
    "--model",
    "models",
    multiple=True,
    default=("default", "fast"),
    show_default=True,
    help='NER pipeline(s) to score: "default" (the shipped transformer), "fast" (the shipped '
    'CNN), a path, or "none" (rules only); repeat the option to set which are compared '
    "side by side (by default the shipped two).",
)
@click.option(
    "--head",
    type=click.Choice(["auto", "main"]),
    default="auto",
    show_default=True,
    help="With --dataset: auto scores the model's head for that corpus's annotation "
    "convention if it has one (scierc_ner for scierc), main the entities "
    "extraction uses (doc.ents).",
)
@click.option(
    "--min-confidence",
    type=Confidence(),
    default=None,
    help="With --gold and no --predictions: drop entities below this confidence (default 0.5).",
)
@click.option(
    "--errors",
    is_flag=True,
    help="With --gold: also list each paper's missed (-) and spurious (+) entities and results, "
    'as the scores count them (under --json: an "errors" list per model).',
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of a table.")
def eval_(
    dataset, split, data_path, relations, setting, gold_path, predictions, models, head, min_confidence, errors, as_json
):
    """Measure extraction quality against gold data.

    \b
    kg eval --dataset scierc --split test
    kg eval --dataset scierc --split test --head main
    kg eval --dataset scier --split dev
    kg eval --dataset scierc --split test --relations --setting rel+
    kg eval --gold tests/data/gold/dev.jsonl
    kg eval --gold tests/data/gold/test2.jsonl --model default   # one model only
    kg eval --gold tests/data/gold/dev.jsonl --model fast --errors   # what it missed, paper by paper
    """
    from kg.eval.run import evaluate_corpus, evaluate_gold, side_by_side

    if (dataset is None) == (gold_path is None):
        raise click.UsageError("give exactly one of --dataset or --gold")
    if errors and not gold_path:
        raise click.UsageError("--errors lists a gold set's differences: use it with --gold")
    if predictions:
        models = ("predictions",)  # the file is scored as it is: no model runs
    reports = {}
    for model in dict.fromkeys(models):
        if dataset:
            reports[model] = evaluate_corpus(
                dataset,
                split,
                Path(data_path) if data_path else None,
                relations=relations,
                setting=setting,
                model=model,
                head=head,
            )
        else:
            reports[model] = evaluate_gold(
                Path(gold_path),
                Path(predictions) if predictions else None,
                model=model,
                min_confidence=min_confidence,
                errors=errors,
            )
    report = next(iter(reports.values())) if len(reports) == 1 else side_by_side(reports)
    if as_json:
        echo(json.dumps(report.data, indent=2), raw=True)
        return
    echo(report.text)
    for model, each in reports.items():
        if errors:
            echo(f"\n{model}: missed (-) and spurious (+), paper by paper\n{each.details or '(none)'}")


COMMANDS = (eval_,)
