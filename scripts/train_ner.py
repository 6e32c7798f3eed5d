"""Train the scientific-entity NER (tok2vec + ner: Method, Dataset, Metric, Task).

Training data: SciERC (Material → Dataset) and SciER, read by kg.eval.corpora. Where a corpus
does not annotate a label the tokens that could carry it are *missing*, not "outside": SciER
has no Metric, so in SciER texts every phrase that is a metric somewhere in SciERC train (or a
well-known metric name) is left unannotated instead of being taught as "not an entity".
Simply concatenating the corpora taught those metrics as negatives (NER-BASELINES.md).

    python scripts/train_vectors.py --output /tmp/sci_vectors
    python scripts/train_ner.py --vectors /tmp/sci_vectors   # full run → kg/models/sci_ner
    python scripts/train_ner.py --max-docs 20 --max-steps 10 --output /tmp/x   # seconds, for CI
    python scripts/train_ner.py --head ner --output /tmp/y   # the transition-based parser head

The main head is spaCy's ``tagger`` on BIO entity tags in ``token.tag_``
(scripts/ner/sci_ner_tagger.cfg) instead of the transition-based ``ner``; the pipeline's
kg_tagged_entities component decodes the tags into ``doc.ents``. Missing tokens get the tag "",
which the tagger's loss ignores, so the missing-label scheme is the same for both heads.

The default ``--head tagger+scierc`` then trains a second run on SciERC alone
(scripts/ner/sci_ner_scierc.cfg: its own tok2vec and a transition-based ``ner``, factory
kg_corpus_ner) and adds it to the main pipeline as ``scierc_ner``, disabled: SciERC and SciER
disagree on what a Method or Task is, one output layer taught both learns neither, and a shared
tok2vec taught both cost the main head on our own gold (MODEL_CARD.md). ``kg eval --dataset
scierc`` scores that head. ``--head tagger`` trains the main head alone, ``--head ner`` a parser
head alone (runs A-F), and ``--head scierc --add-to DIR`` only the SciERC head, added to the
pipeline in DIR (with DIR's own static vectors).

The data is read from ../shared/data (or $KG_SHARED/data, or --scierc-dir/--scier-dir) and
never copied into the repository. The pipeline saved is loadable offline with spacy.load().
"""

from __future__ import annotations

import os

# One core for training: the machine is shared. Must be set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

import spacy  # noqa: E402
from spacy.tokens import Doc, DocBin, Span  # noqa: E402
from spacy.vocab import Vocab  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.eval.corpora import (  # noqa: E402
    NerExample, corpus_path, flat_spans, read_scier, read_scierc)
from kg.eval.ner import evaluate_ner, format_scores  # noqa: E402
from kg.extract import tagged_entities  # noqa: E402,F401  (registers kg_tagged_entities)
from kg.extract.corpus_ner import corpus_heads  # noqa: E402  (and registers kg_corpus_ner)

DEFAULT_CONFIG = REPO / "scripts" / "ner" / "sci_ner.cfg"
CONFIGS = {"ner": DEFAULT_CONFIG, "tagger": REPO / "scripts" / "ner" / "sci_ner_tagger.cfg"}
SCIERC_HEAD_CONFIG = REPO / "scripts" / "ner" / "sci_ner_scierc.cfg"
HEADS = ("tagger+scierc", "tagger", "ner", "scierc")
# The corpora as meta.json records them ("sources"), in that order.
SOURCES: dict[str, dict[str, str]] = {
    "scierc": {"name": "SciERC", "author": "Luan et al. 2018", "license": "research use"},
    "scier": {"name": "SciER", "author": "Zhang et al. 2024", "license": "GPL-3.0"},
}
DEFAULT_OUTPUT = REPO / "kg" / "models" / "sci_ner"
SAMPLES = REPO / "examples" / "hf-papers"

# Metric names modern ML papers use that SciERC (2018, mostly pre-deep-learning NLP/CV/speech
# abstracts) rarely or never annotates; matched case-insensitively as whole token sequences.
EXTRA_METRICS: tuple[str, ...] = (
    "accuracy", "top-1 accuracy", "top-5 accuracy", "precision", "recall", "f1", "f1 score",
    "f1-score", "f-score", "f-measure", "macro-f1", "micro-f1", "bleu", "rouge", "rouge-l",
    "meteor", "cider", "spice", "perplexity", "ppl", "error rate", "word error rate", "wer",
    "cer", "auc", "roc auc", "ap", "map", "mean average precision", "average precision",
    "iou", "miou", "psnr", "ssim", "lpips", "fid", "inception score", "clip score", "mrr",
    "ndcg", "hits@1", "hits@10", "recall@1", "pass@1", "exact match", "em", "latency",
    "throughput", "flops", "mae", "mse", "rmse", "success rate", "win rate", "mota", "ade",
)


# ---------------------------------------------------------------- pure conversion

def metric_lexicon(scierc_train: Iterable[NerExample]) -> set[tuple[str, ...]]:
    """Lowercased token sequences that are a Metric somewhere: SciERC train plus EXTRA_METRICS."""
    lexicon = {tuple(m.split()) for m in EXTRA_METRICS}
    for ex in scierc_train:
        for start, end, label in ex.spans:
            if label == "Metric":
                lexicon.add(tuple(w.lower() for w in ex.words[start:end]))
    return lexicon


def unannotated_matches(words: Sequence[str], spans: Iterable[tuple[int, int, str]],
                        lexicon: set[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Token ranges matching ``lexicon`` that no gold span touches, longest match first."""
    taken = [False] * len(words)
    for start, end, _ in spans:
        taken[start:end] = [True] * (end - start)
    lower = [w.lower() for w in words]
    longest = max((len(k) for k in lexicon), default=0)
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            if tuple(lower[i:i + n]) in lexicon and not any(taken[i:i + n]):
                found.append((i, i + n))
                i += n
                break
        else:
            i += 1
    return found


def training_doc(vocab: Vocab, ex: NerExample, missing: Iterable[tuple[int, int]] = (),
                 drop_labels: Iterable[str] = ()) -> Doc:
    """A Doc in gold tokenization whose entities are the example's flat spans.

    ``missing`` token ranges and spans with a label in ``drop_labels`` are left unannotated
    (spaCy then neither rewards nor penalises any prediction there); all else is "outside".
    """
    drop = set(drop_labels)
    doc = Doc(vocab, words=ex.words)
    spans = flat_spans(ex.spans)
    ents = [Span(doc, s, e, label=label) for s, e, label in spans if label not in drop]
    unknown = [Span(doc, s, e) for s, e, label in spans if label in drop]
    unknown += [Span(doc, s, e) for s, e in missing]
    doc.set_ents(ents, missing=unknown, default="outside")
    return doc


def entity_tags(doc: Doc, scheme: str = "bio") -> list[str]:
    """Per-token entity tags of ``doc`` ("B-Method", "I-Method", "O"; with ``scheme="biluo"``
    also "L-" and "U-"); "" where the entity annotation is missing."""
    tags = ["O" if t.ent_iob_ == "O" else "" for t in doc]
    for ent in doc.ents:
        n = ent.end - ent.start
        if scheme == "biluo" and n == 1:
            inner = ["U"]
        else:
            inner = ["B"] + ["I"] * (n - 1)
            if scheme == "biluo":
                inner[-1] = "L"
        tags[ent.start:ent.end] = [f"{p}-{ent.label_}" for p in inner]
    return tags


def set_entity_tags(doc: Doc, scheme: str = "bio") -> Doc:
    """Copy the entities into ``token.tag_`` for the tagger head (the entities stay: the dev
    set's are what kg_tagged_entities is scored against)."""
    for token, tag in zip(doc, entity_tags(doc, scheme)):
        token.tag_ = tag
    return doc


def corpus_docs(vocab: Vocab, scierc: list[NerExample], scier: list[NerExample],
                lexicon: set[tuple[str, ...]], material: str = "dataset",
                mask_metrics: bool = True, scierc_repeat: int = 1,
                tag_scheme: str | None = None) -> list[Doc]:
    """Training Docs for both corpora under the missing-label scheme described above;
    with ``tag_scheme`` ("bio" | "biluo") the entities are also written as tags."""
    drop = ("Dataset",) if material == "missing" else ()
    docs = [training_doc(vocab, ex, drop_labels=drop) for ex in scierc] * scierc_repeat
    for ex in scier:
        missing = unannotated_matches(ex.words, ex.spans, lexicon) if mask_metrics else []
        docs.append(training_doc(vocab, ex, missing))
    if tag_scheme:
        for doc in docs:
            set_entity_tags(doc, tag_scheme)
    return docs


def sample_abstracts(folder: Path = SAMPLES) -> list[str]:
    """The abstracts of the Hugging Face page dumps: every line longer than 200 characters."""
    return [line.strip() for path in sorted(folder.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 200]


def papers_per_second(nlp: spacy.language.Language, texts: list[str], repeats: int = 3,
                      clock: Callable[[], float] = time.process_time) -> float:
    """Best-of-``repeats`` throughput of ``nlp.pipe(batch_size=64)`` in one process.

    The default clock is this process's CPU time, so that other jobs on a shared machine
    don't count against the model (with one BLAS thread, CPU time = wall time on a free core);
    pass ``time.perf_counter`` for wall-clock throughput.
    """
    list(nlp.pipe(texts[:64], batch_size=64))  # warm-up
    best = 0.0
    for _ in range(repeats):
        t0 = clock()
        n = sum(1 for _ in nlp.pipe(texts, batch_size=64))
        best = max(best, n / (clock() - t0))
    return best


# ---------------------------------------------------------------- training and packaging

def write_docbins(work: Path, args: argparse.Namespace, sources: Sequence[str],
                  tags: bool) -> tuple[Path, Path]:
    vocab = spacy.blank("en").vocab
    limit = args.max_docs or None
    scierc_dir, scier_dir = args.scierc_dir, args.scier_dir
    read = {
        ("scierc", split): list(read_scierc(scierc_dir / f"{split}.jsonl"))[:limit]
        for split in ("train", "dev")
    } | {
        ("scier", split): list(read_scier(scier_dir / f"{split}.jsonl"))[:limit]
        for split in ("train", "dev")
    }
    lexicon = metric_lexicon(read["scierc", "train"])
    sources = set(sources)
    paths = []
    for split in ("train", "dev"):
        docs = corpus_docs(vocab,
                           read["scierc", split] if "scierc" in sources else [],
                           read["scier", split] if "scier" in sources else [],
                           lexicon, material=args.material, mask_metrics=args.mask_metrics,
                           scierc_repeat=args.scierc_repeat if split == "train" else 1,
                           tag_scheme=args.tag_scheme if tags else None)
        path = work / f"{split}.spacy"
        DocBin(docs=docs, store_user_data=False).to_disk(path)
        paths.append(path)
        n_tokens = sum(len(d) for d in docs)
        print(f"{split}: {len(docs)} docs, {n_tokens} tokens → {path}", flush=True)
    return paths[0], paths[1]


def train(config: Path, work: Path, train_path: Path, dev_path: Path,
          args: argparse.Namespace, extra: Sequence[str] = ()) -> Path:
    from spacy.cli.train import train as spacy_train

    overrides: dict[str, object] = {"paths.train": str(train_path), "paths.dev": str(dev_path),
                                    "system.seed": args.seed}
    if args.max_steps:
        overrides["training.max_steps"] = args.max_steps
        cfg = spacy.util.load_config(config)
        overrides["training.eval_frequency"] = min(cfg["training"]["eval_frequency"],
                                                   args.max_steps)
    if args.vectors:
        overrides["paths.vectors"] = str(args.vectors)
        overrides["components.tok2vec.model.embed.include_static_vectors"] = True
    for item in extra:
        key, _, value = item.partition("=")
        overrides[key] = json.loads(value)
    spacy_train(config, work / "trained", overrides=overrides, use_gpu=-1)
    best = work / "trained" / "model-best"
    return best if best.exists() else work / "trained" / "model-last"


def train_run(work: Path, config: Path, sources: Sequence[str], tags: bool,
              args: argparse.Namespace, extra: Sequence[str]) -> spacy.language.Language:
    """One ``spacy train`` run in ``work``; returns the best pipeline, loaded."""
    work.mkdir(parents=True, exist_ok=True)
    train_path, dev_path = write_docbins(work, args, sources, tags)
    return spacy.load(train(config, work, train_path, dev_path, args, extra))


def add_corpus_head(nlp: spacy.language.Language, source: spacy.language.Language,
                    name: str = "scierc_ner") -> None:
    """Add ``source``'s corpus head to ``nlp`` with its own copy of ``source``'s tok2vec, before
    the main head (spaCy's ner respects entities already set), disabled.

    Both runs were trained with the same static vectors, which ``nlp`` already holds.
    """
    source.replace_listeners("tok2vec", name, ["model.tok2vec"])
    nlp.add_pipe(name, source=source, before=nlp.pipe_names[1])
    nlp.disable_pipe(name)


def package(nlp: spacy.language.Language, output: Path, scores: dict[str, object],
            sources: Sequence[str]) -> None:
    """Save the pipeline without training-only settings; record provenance in meta.json.

    Its corpus heads are saved as they are: disabled (``add_corpus_head``).
    """
    if output.exists():
        if any(output.iterdir()) and not (output / "meta.json").exists():
            sys.exit(f"{output} exists and is not a spaCy pipeline; not overwriting it")
        shutil.rmtree(output)
    nlp.meta.update({
        "name": "sci_ner", "version": "0.1.0",
        "description": "Method/Dataset/Metric/Task NER for ML abstracts "
                       "(see kg/models/MODEL_CARD.md)",
        # Weights trained on GPL-3.0 data are treated as GPL-3.0 (see MODEL_CARD.md).
        "license": ("GPL-3.0 (trained on SciER) + SciERC research-use terms" if "scier" in sources
                    else "SciERC research-use terms (no explicit license)"),
        "sources": [SOURCES[s] for s in sources],
        "performance": {"kg_eval": scores},
    })
    nlp.meta.pop("spacy_git_version", None)
    nlp.to_disk(output)
    config_path = output / "config.cfg"
    cfg = spacy.util.load_config(config_path, interpolate=False)
    for key in cfg["paths"]:
        cfg["paths"][key] = None  # training paths on the machine that trained it mean nothing
    cfg.to_disk(config_path)


def evaluate_all(nlp: spacy.language.Language, args: argparse.Namespace) -> dict[str, object]:
    runs = [("scierc", "dev", args.scierc_dir, "auto"), ("scierc", "test", args.scierc_dir, "auto"),
            ("scier", "dev", args.scier_dir, "auto")]
    if corpus_heads(nlp):  # the main head on SciERC too, for the record
        runs.append(("scierc", "test", args.scierc_dir, "main"))
    out: dict[str, object] = {}
    for dataset, split, folder, head in runs:
        scores = evaluate_ner(nlp, dataset, split, folder / f"{split}.jsonl",
                              limit=args.max_docs or None, head=head)
        suffix = "_main" if head == "main" else ""
        print(format_scores(scores, f"\n{dataset} {split}{' (main head)' if suffix else ''}"),
              flush=True)
        out[f"{dataset}_{split}{suffix}"] = {k: {m: round(v, 4) for m, v in s.items()}
                                             for k, s in scores.items()}
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--head", choices=HEADS, default="tagger+scierc",
                   help="tagger+scierc: the main tagger head, then a SciERC-convention head "
                        "trained on SciERC alone, added disabled (the shipped model); tagger: the "
                        "main head alone (runs G-I); ner: spaCy's transition-based parser as the "
                        "only head (runs A-F, slower); scierc: the SciERC head alone, added to "
                        "the pipeline given by --add-to")
    p.add_argument("--add-to", type=Path, default=None, metavar="DIR",
                   help="with --head scierc: the trained pipeline that gets the head (its "
                        "vectors are used)")
    p.add_argument("--tag-scheme", choices=["bio", "biluo"], default="bio",
                   help="entity tags taught to the tagger head")
    p.add_argument("--config", type=Path, default=None,
                   help="spaCy config of the main run (default: scripts/ner/sci_ner_tagger.cfg, "
                        "or sci_ner.cfg with --head ner)")
    p.add_argument("--vectors", type=Path, default=None,
                   help="static vectors pipeline from scripts/train_vectors.py, added to the tok2vec")
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    p.add_argument("--work-dir", type=Path, default=None,
                   help="keep DocBins and checkpoints here (default: a temporary directory)")
    p.add_argument("--scierc-dir", type=Path, default=corpus_path("scierc", "train").parent)
    p.add_argument("--scier-dir", type=Path, default=corpus_path("scier", "train").parent)
    p.add_argument("--sources", nargs="+", default=["scierc", "scier"], choices=["scierc", "scier"])
    p.add_argument("--material", choices=["dataset", "missing"], default="dataset",
                   help="SciERC Material: train as Dataset, or leave unannotated")
    p.add_argument("--no-mask-metrics", dest="mask_metrics", action="store_false",
                   help="teach SciER's unannotated metrics as 'outside' (the naive baseline)")
    p.add_argument("--scierc-repeat", type=int, default=1,
                   help="repeat SciERC train docs N times (it is 1/4 the size of SciER)")
    p.add_argument("--max-docs", type=int, default=0, help="read at most N texts per file")
    p.add_argument("--max-steps", type=int, default=0, help="override training.max_steps")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                   help="extra config override of the main run, e.g. "
                        "components.tok2vec.model.encode.depth=3")
    p.add_argument("--scierc-set", action="append", default=[], metavar="KEY=JSON",
                   help="extra config override of the SciERC head's run")
    p.add_argument("--no-eval", dest="evaluate", action="store_false")
    p.add_argument("--speed", action="store_true", help="measure papers/s on the samples")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    main_head = "tagger" if args.head == "tagger+scierc" else args.head
    args.config = args.config or CONFIGS.get(main_head)
    if args.head in ("tagger+scierc", "scierc") and "scierc" not in args.sources:
        sys.exit(f"--head {args.head} trains a SciERC head: --sources must include scierc")
    if (args.head == "scierc") != (args.add_to is not None):
        sys.exit("--head scierc and --add-to DIR go together")
    if args.add_to is not None:
        if not (args.add_to / "meta.json").exists():
            sys.exit(f"--add-to {args.add_to}: not a spaCy pipeline")
        if args.vectors:
            sys.exit("--add-to uses that pipeline's vectors: leave out --vectors")
        args.vectors = args.add_to  # spaCy's [initialize] vectors accepts a pipeline directory
    if (args.max_docs or args.max_steps) and args.output.resolve() == DEFAULT_OUTPUT.resolve():
        sys.exit("a run with --max-docs/--max-steps would replace the shipped model: "
                 "pass --output DIR")
    for folder in (args.scierc_dir, args.scier_dir):
        if not (folder / "train.jsonl").exists():
            sys.exit(f"no training data at {folder} (set KG_SHARED or --scierc-dir/--scier-dir)")
    with tempfile.TemporaryDirectory(prefix="sci-ner-") as tmp:
        work = args.work_dir or Path(tmp)
        if args.add_to is not None:
            nlp = spacy.load(args.add_to)
            for name in corpus_heads(nlp).values():
                nlp.remove_pipe(name)  # replaced by the one trained now
        else:
            nlp = train_run(work / "main", args.config, args.sources, main_head == "tagger",
                            args, args.set)
        if args.head in ("tagger+scierc", "scierc"):
            head = train_run(work / "scierc", SCIERC_HEAD_CONFIG, ["scierc"], False, args,
                             args.scierc_set)
            add_corpus_head(nlp, head)
        scores = evaluate_all(nlp, args) if args.evaluate else {}
        if args.speed:
            texts = sample_abstracts()
            scores["papers_per_second"] = round(papers_per_second(nlp, texts), 1)
            print(f"\nspeed: {scores['papers_per_second']} papers/s "
                  f"({len(texts)} sample abstracts, one process)")
        sources = set(args.sources)
        if args.add_to is not None:  # the main head's data still count
            sources |= {key for key, meta in SOURCES.items() if meta in nlp.meta.get("sources", [])}
        package(nlp, args.output, scores, [s for s in SOURCES if s in sources])
    print(f"saved {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
