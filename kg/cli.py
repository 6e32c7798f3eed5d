"""The ``kg`` command. Each command is a thin call into the packages below it.

Errors a user can act on (bad input, unreachable store) become one line on stderr and an exit
code (2 bad input or usage, 3 store), never a traceback.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from kg.errors import InputError, KgError

EXIT_INPUT = 2


class KgGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KgError as err:
            exc = click.ClickException(str(err))
            exc.exit_code = err.exit_code
            raise exc from None


def _on_sigterm(signum, frame):  # atomic writers clean up on SystemExit like on Ctrl-C
    raise SystemExit(128 + signum)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="paper-kg")
def cli() -> None:
    """paper-kg: machine-learning paper abstracts in, knowledge graph out.

    \b
    kg extract examples/hf-papers/ -o out/extractions.jsonl
    kg build   examples/hf-papers/ -o out/graph.json
    kg render  out/graph.json -o out/graph.html
    kg stats   out/graph.json
    """
    signal.signal(signal.SIGTERM, _on_sigterm)


# -- shared option bundles -------------------------------------------------------------------

def _shard(value: str | None):
    if value is None:
        return None
    try:
        i, n = (int(x) for x in value.split("/"))
        if not 1 <= i <= n:
            raise ValueError
    except ValueError:
        raise click.BadParameter("use I/N with 1 <= I <= N, e.g. 2/8") from None
    return i, n


def input_options(f):
    f = click.option("--shard", callback=lambda ctx, p, v: _shard(v), default=None, metavar="I/N",
                     help="Process only input files I of N (1-based, by sorted file order) for fan-out.")(f)
    f = click.option("--format", "fmt", type=click.Choice(["hf-listing", "jsonl", "json", "arxiv-atom"]),
                     default=None, help="Input format (default: detected per file).")(f)
    f = click.option("--skip-invalid", is_flag=True,
                     help="Warn about each bad record and go on, instead of stopping at the first.")(f)
    return f


def extract_options(f):
    f = click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
                     help="Drop entities below this confidence (default 0.5).")(f)
    f = click.option("--workers", type=click.IntRange(1, 64), default=None,
                     help="Processes for extraction (default: the machine's cores, at most 4; "
                          "inputs of one batch run in-process).")(f)
    f = click.option("--batch-size", type=click.IntRange(1, 10_000), default=64, show_default=True)(f)
    f = click.option("--model", default="default", show_default=True,
                     help='spaCy NER pipeline: "default" (shipped), a path, or "none" (rules only).')(f)
    f = click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")(f)
    return f


def _files(inputs, shard):
    from kg.read import input_files

    files = input_files(inputs)
    if shard:
        i, n = shard
        files = files[i - 1::n]
    return files


def _papers(files, fmt, skip_invalid):
    from kg.read import read_papers

    def warn(err: InputError) -> None:
        click.echo(f"kg: warning: {err} (skipped)", err=True)

    return read_papers(files, fmt, on_error=warn if skip_invalid else None)


def _show_progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


def _progress(stream, files, fmt, quiet: bool, label: str):
    """Papers/s and ETA on stderr when it is a terminal; silent otherwise or with --quiet."""
    if not _show_progress(quiet):
        yield from stream
        return
    from kg.read import read_papers

    total = sum(1 for _ in read_papers(files, fmt, on_error=lambda err: None))  # cheap next to extraction
    t0 = time.perf_counter()
    done = 0

    def rate(_):
        return f"{done / max(time.perf_counter() - t0, 1e-9):,.0f} papers/s"

    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True,
                           item_show_func=rate) as bar:
        for item in stream:
            done += 1
            bar.update(1, item)
            yield item


def _extractions(files, fmt, skip_invalid, quiet, model, workers, batch_size, min_confidence, skip=None,
                 as_lines=False):
    from kg.extract.assemble import DEFAULT_MIN_CONFIDENCE
    from kg.extract.run import default_workers, extract_stream

    workers = default_workers() if workers is None else workers
    papers = _papers(files, fmt, skip_invalid)
    if skip is not None:
        papers = (p for p in papers if not skip(p))
    stream = extract_stream(papers, model=None if model == "none" else model, workers=workers,
                            batch_size=batch_size,
                            min_confidence=DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence,
                            as_lines=as_lines)
    return _progress(stream, files, fmt, quiet or skip is not None, "extracting")


def _summary(quiet: bool, verb: str, counts: dict[str, int], t0: float) -> None:
    if not quiet:
        parts = ", ".join(f"{v:,} {k}" for k, v in counts.items())
        click.echo(f"kg: {verb} {parts} in {time.perf_counter() - t0:.1f} s", err=True)


# -- commands --------------------------------------------------------------------------------

@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="-", show_default=True,
              help="JSONL file to write (- for stdout).")
@input_options
@extract_options
def extract(inputs, output, fmt, skip_invalid, shard, min_confidence, workers, batch_size, model, quiet):
    """Extract entities, relations and results: one JSON line per paper.

    \b
    kg extract examples/hf-papers/ -o out/extractions.jsonl
    kg extract corpus/ -o out/part-3.jsonl --shard 3/8 --workers 2
    """
    from kg.io.atomic import atomic_write

    t0 = time.perf_counter()
    stream = _extractions(_files(inputs, shard), fmt, skip_invalid, quiet, model, workers, batch_size,
                          min_confidence, as_lines=True)
    n = ents = rels = 0

    def write(fh):
        nonlocal n, ents, rels
        for line in stream:
            fh.write(line.json)
            fh.write("\n")
            n += 1
            ents += line.entities
            rels += line.relations

    if output == "-":
        write(click.get_text_stream("stdout"))
    else:
        with atomic_write(output) as fh:
            write(fh)
    _summary(quiet, "extracted", {"papers": n, "entities": ents, "relations": rels}, t0)


def _is_extraction_file(path: Path) -> bool:
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    with path.open(encoding="utf-8", errors="replace") as fh:
        first = fh.readline()
    return first.lstrip().startswith('{"paper"')


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Graph file to write.")
@click.option("--graph-format", "graph_format", type=click.Choice(["json", "graphml", "gexf"]), default=None,
              help="Graph file format (default: from the suffix, else node-link JSON).")
@click.option("--update", "update", type=click.Path(dir_okay=False), default=None,
              help="Add to this existing graph, extracting only papers it does not hold yet "
                   "(same id and text); -o defaults to the same file.")
@input_options
@extract_options
def build(inputs, output, graph_format, update, fmt, skip_invalid, shard, min_confidence, workers, batch_size,
          model, quiet):
    """Build the knowledge graph from inputs (or from `kg extract` JSONL).

    \b
    kg build examples/hf-papers/ -o out/graph.json
    kg build out/extractions.jsonl -o out/graph.graphml
    kg build --update out/graph.json new_inputs/
    """
    from kg.graph.build import build_graph, content_hash, read_extractions, seen_papers
    from kg.graph.formats import read_graph, write_graph

    t0 = time.perf_counter()
    if output is None:
        if update is None:
            raise click.UsageError("give -o/--output (or --update GRAPH)")
        output = update
    base = read_graph(update) if update else None
    seen = seen_papers(base) if base is not None else {}
    skipped = 0

    def already(paper) -> bool:
        nonlocal skipped
        if seen.get(paper.id) == content_hash(paper):
            skipped += 1
            return True
        return False

    paths = [Path(p) for p in inputs]
    if all(_is_extraction_file(p) for p in paths):
        stream = (ex for p in paths for ex in read_extractions(p) if not (seen and already(ex.paper)))
    else:
        stream = _extractions(_files(inputs, shard), fmt, skip_invalid, quiet, model, workers, batch_size,
                              min_confidence, skip=already if seen else None)
    new = 0

    def counted(it):
        nonlocal new
        for ex in it:
            new += 1
            yield ex

    g = build_graph(counted(stream), graph=base)
    write_graph(g, output, graph_format)
    papers = sum(1 for _, d in g.nodes(data=True) if d.get("type") == "Paper")
    counts = {"papers": papers, "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    if update:
        counts = {"new papers extracted": new, "already in the graph": skipped, **counts}
    _summary(quiet, "built", counts, t0)


@cli.command()
@click.argument("graph", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(graph, as_json):
    """Counts of nodes and edges by type, and the most connected entities.

    \b
    kg stats out/graph.json
    """
    from kg.graph.build import dumps_stats, format_stats, stats as compute
    from kg.graph.formats import read_graph

    s = compute(read_graph(graph))
    click.echo(dumps_stats(s) if as_json else format_stats(s))


@cli.command()
@click.argument("graph", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="HTML file to write.")
@click.option("--focus", default=None, help="Show only the neighbourhood of this entity (name or alias).")
@click.option("--depth", type=click.IntRange(1, 10), default=2, show_default=True)
@click.option("--types", default=None, help="Comma-separated node types to keep, e.g. Method,Dataset.")
@click.option("--min-papers", type=click.IntRange(0), default=0, show_default=True)
@click.option("--max-nodes", type=click.IntRange(1), default=None, help="Keep the most connected N nodes.")
@click.option("--title", default=None)
def render(graph, output, focus, depth, types, min_papers, max_nodes, title):
    """Render a self-contained, navigable HTML page of the graph.

    \b
    kg render out/graph.json -o out/graph.html
    kg render out/graph.json -o out/clip.html --focus CLIP --depth 2
    """
    from kg.graph.formats import read_graph
    from kg.render.html import render_html

    g = read_graph(graph)
    type_list = [t.strip() for t in types.split(",") if t.strip()] if types else None
    try:
        report = render_html(g, output, focus=focus, depth=depth, types=type_list, min_papers=min_papers,
                             max_nodes=max_nodes, title=title)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    click.echo(report.summary(), err=True)


@cli.command("eval")
@click.option("--dataset", type=click.Choice(["scierc", "scier"]), default=None,
              help="Score the NER (and with --relations the relation model) on a public corpus.")
@click.option("--split", type=click.Choice(["train", "dev", "test"]), default="test", show_default=True)
@click.option("--data", "data_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The corpus JSONL (default ../shared/data/DATASET/SPLIT.jsonl).")
@click.option("--relations", is_flag=True, help="Score relations instead of entities.")
@click.option("--setting", type=click.Choice(["rel", "rel+"]), default="rel+", show_default=True,
              help="rel: gold entities given; rel+: end to end from predicted entities.")
@click.option("--gold", "gold_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Score extraction against a gold JSONL of our format (tests/data/gold/GUIDELINES.md).")
@click.option("--predictions", type=click.Path(exists=True, dir_okay=False), default=None,
              help="With --gold: a `kg extract` JSONL to score (default: extract the gold's sources now).")
@click.option("--model", default="default", show_default=True)
@click.option("--head", type=click.Choice(["auto", "main"]), default="auto", show_default=True,
              help="With --dataset: auto scores the model's head for that corpus's annotation "
                   "convention if it has one (scierc_ner for scierc), main the entities "
                   "extraction uses (doc.ents).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None)
@click.option("--json", "as_json", is_flag=True)
def eval_(dataset, split, data_path, relations, setting, gold_path, predictions, model, head,
          min_confidence, as_json):
    """Measure extraction quality against gold data.

    \b
    kg eval --dataset scierc --split test
    kg eval --dataset scierc --split test --head main
    kg eval --dataset scier --split dev
    kg eval --dataset scierc --split test --relations --setting rel+
    kg eval --gold tests/data/gold/dev.jsonl
    kg eval --gold tests/data/gold/test.jsonl
    """
    import json as _json

    if (dataset is None) == (gold_path is None):
        raise click.UsageError("give exactly one of --dataset or --gold")
    data = Path(data_path) if data_path else None
    if dataset:
        from kg.eval.corpora import corpus_path
        if data is None and not corpus_path(dataset, split).exists():
            raise InputError(str(corpus_path(dataset, split)), None,
                             "corpus file not found; pass --data PATH or put the data in ../shared")
        if relations:
            from kg.eval.relations import evaluate_relations, format_relation_table
            nlp = None
            if setting == "rel+":
                from kg.extract.pipeline import build_nlp
                nlp = build_nlp(model, rules=False, corpus_heads=True)
            res = evaluate_relations(dataset, split, data, nlp=nlp, setting=setting, head=head)
            click.echo(_json.dumps(res, indent=2) if as_json else format_relation_table(res))
            return
        from kg.eval.ner import describe_head, evaluate_ner, format_scores
        from kg.extract.pipeline import build_nlp
        nlp = build_nlp(model, rules=False, corpus_heads=True)
        scored = describe_head(nlp, dataset, head)
        scores = evaluate_ner(nlp, dataset, split, data, head=head)
        click.echo(_json.dumps(scores, indent=2) if as_json else
                   format_scores(scores, f"{dataset} {split}: mention level, exact span match, "
                                         f"{scored}"))
        return
    from kg.eval.gold import load_gold, score_gold
    if predictions:
        from kg.graph.build import read_extractions
        preds = [ex.model_dump(mode="json") for ex in read_extractions(predictions)]
    else:
        files = sorted({g["source"]["file"] for g in load_gold(Path(gold_path))})
        preds = [ex.model_dump(mode="json") for ex in
                 _extractions(_files(files, None), None, False, True, model, 1, 64, min_confidence)]
    report = score_gold(Path(gold_path), preds)
    click.echo(_json.dumps(report.as_dict(), indent=2) if as_json else report.table())


@cli.command()
@click.argument("graph", type=click.Path())
@click.argument("entity_or_edge")
@click.option("--limit", type=click.IntRange(1), default=10, show_default=True, help="Evidence lines per edge.")
def explain(graph, entity_or_edge, limit):
    """Why an entity or an edge exists: its papers, sentences, extractors and confidences.

    \b
    kg explain out/graph.json CLIP
    kg explain out/graph.json "MMRL -> USED_FOR -> few-shot learning"
    """
    from kg.graph.explain import explain as run
    from kg.graph.formats import read_graph

    try:
        click.echo(run(read_graph(graph), entity_or_edge, limit=limit))
    except LookupError as err:
        raise click.ClickException(str(err)) from None


def _register_store_commands() -> None:
    from kg.store.commands import export, load, query, schema
    for command in (load, query, schema, export):
        cli.add_command(command)


_register_store_commands()


def main() -> None:
    try:
        cli.main(prog_name="kg")
    except KgError as err:  # raised outside a command's invoke (e.g. while closing a stream)
        click.echo(f"Error: {err}", err=True)
        sys.exit(err.exit_code)
