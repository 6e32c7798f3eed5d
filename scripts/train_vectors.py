"""Train small static word vectors on in-domain text, for the NER's tok2vec (an experiment).

    python scripts/train_vectors.py --output /tmp/sci_vectors              # ~1 min
    python scripts/train_ner.py --head tagger --vectors /tmp/sci_vectors   # → kg/models/sci_ner
    python scripts/train_vectors.py --max-sentences 200 --epochs 1 --output /tmp/v   # CI smoke

Text (nothing is downloaded, no test split is read):
  * SciERC train (``sentences``; PTB brackets mapped as kg.eval.corpora does),
  * SciER train (one sentence per record, split digits glued as kg.eval.corpora does);
    ``--splits train dev`` adds the dev texts (by default they stay out: dev selects the NER's
    checkpoints, and vectors trained on it would flatter the dev score),
  * the Hugging Face abstracts in examples/hf-papers/*.txt (lines > 200 characters), tokenized
    with ``spacy.blank("en")`` and split into sentences by the rule-based sentencizer --
    *except* the 50 abstracts annotated in tests/data/gold/dev.jsonl, so that `kg eval --gold`
    stays a held-out measure (``--include-gold-abstracts`` to use them too).
These are the texts the NER is trained on plus the kind of text it is run on; SciERC test is
never read (it is the reported test score). The corpus tokens are taken as the readers give
them, i.e. exactly the tokens the NER training Docs contain.

Vectors: gensim FastText (skip-gram with character n-grams) by default, or Word2Vec. spaCy's
default vectors table cannot use subwords, so the FastText vectors are exported for a fixed
vocabulary: every word of the text (the n-grams give words below ``--min-count`` a vector
too). The text is lowercased, so "BERT", "Bert" and "bert" are one word with one row.
StaticVectors looks tokens up by ``vocab.vectors.attr``, but spaCy 3.8 saves that attribute
only for floret vectors: ``spacy init vectors --attr LOWER`` is forgotten on ``to_disk`` and
a reloaded table is looked up by ORTH again, so lowercase-only keys would miss every
capitalized token. Instead the table stays keyed by ORTH and every cased form of a word seen
in the text, plus its Title and UPPER forms, is added as a key of the lowercase word's row
(``Vectors.add(key, row=...)``: more keys, no more rows). Tokens not in the table get a zero
vector.

gensim is only a training dependency (the ``train`` extra, in requirements.lock); at run time
the vectors are part of the NER pipeline's vocab and need nothing but spaCy.

License: SciER is GPL-3.0 and SciERC is for research use; vectors trained on their text are
treated like the NER weights trained on them (see kg/models/MODEL_CARD.md). The sample
abstracts are Hugging Face paper-page dumps (the papers' own abstracts).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import zlib  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "examples" / "hf-papers"
GOLD = REPO / "tests" / "data" / "gold" / "dev.jsonl"


# ---------------------------------------------------------------- text (project venv, spaCy)

def gold_abstract_lines(gold: Path = GOLD) -> set[tuple[str, int]]:
    """(file name, 0-based line) of every abstract annotated in the gold: the first line longer
    than 200 characters at or after the gold's (1-based) ``source.line``, the paper's title."""
    out: set[tuple[str, int]] = set()
    if not gold.exists():
        return out
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        source = json.loads(line)["source"]
        path = REPO / source["file"]
        lines = path.read_text(encoding="utf-8").splitlines()
        for i in range(source["line"] - 1, len(lines)):
            if len(lines[i].strip()) > 200:
                out.add((path.name, i))
                break
    return out


def sample_texts(folder: Path = SAMPLES, exclude: set[tuple[str, int]] = frozenset()
                 ) -> list[str]:
    """Lines longer than 200 characters of the sample dumps, minus ``exclude``."""
    return [line.strip() for path in sorted(folder.glob("*.txt"))
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines())
            if len(line.strip()) > 200 and (path.name, i) not in exclude]


def corpus_sentences(scierc_dir: Path, scier_dir: Path, samples: list[str],
                     splits: Sequence[str] = ("train",)) -> Iterator[tuple[str, list[str]]]:
    """(source, tokens) of every sentence of the training text, case kept."""
    sys.path.insert(0, str(REPO))
    import spacy
    from kg.eval.corpora import PTB_BRACKETS, jsonl_records, read_scier

    assert "test" not in splits, "SciERC test is the reported score: never train on its text"
    for split in splits:
        for doc in jsonl_records(scierc_dir / f"{split}.jsonl"):
            for sent in doc["sentences"]:
                yield "scierc", [PTB_BRACKETS.get(w, w) for w in sent]
    for split in splits:
        for ex in read_scier(scier_dir / f"{split}.jsonl"):
            yield "scier", list(ex.words)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    for doc in nlp.pipe(samples, batch_size=64):
        for sent in doc.sents:
            words = [t.text for t in sent if not t.is_space]
            if words:
                yield "samples", words


def write_corpus(path: Path, sentences: Iterator[tuple[str, list[str]]]
                 ) -> tuple[Counter, dict[str, set[str]]]:
    """Write one lowercased sentence per line, tokens separated by single spaces.

    Returns the token count of each source and the cased forms seen of each lowercase word.
    """
    tokens: Counter = Counter()
    forms: dict[str, set[str]] = {}
    with open(path, "w", encoding="utf-8") as f:
        for source, words in sentences:
            words = ["".join(w.split()) for w in words]  # a token never contains a space
            words = [w for w in words if w]
            tokens[source] += len(words)
            for w in words:
                forms.setdefault(w.lower(), set()).add(w)
            f.write(" ".join(w.lower() for w in words) + "\n")
    return tokens, forms


def add_case_keys(model: Path, forms: dict[str, set[str]]) -> tuple[int, int]:
    """Map every cased form (seen, Title, UPPER) of a table word to the word's row; save.

    Returns (rows, keys).
    """
    import spacy

    nlp = spacy.load(model)
    vectors, strings = nlp.vocab.vectors, nlp.vocab.strings
    for lower, seen in forms.items():
        row = vectors.key2row.get(strings[lower]) if lower in strings else None
        if row is None:  # not exported (below min_count for word2vec)
            continue
        for form in seen | {lower.capitalize(), lower.upper()}:
            key = strings.add(form)
            if key not in vectors.key2row:
                vectors.add(key, row=row)
    nlp.to_disk(model)
    return vectors.shape[0], len(vectors.key2row)


# ---------------------------------------------------------------- vectors (gensim)

def _stable_hash(text: str) -> int:
    # gensim seeds each word's first vector with hash(word + seed); Python's str hash changes per
    # process, so reruns would differ. CRC32 does not.
    return zlib.crc32(text.encode("utf-8"))


def train_gensim(corpus: Path, output: Path, *, algorithm: str = "fasttext", dim: int = 100,
                 window: int = 5, min_count: int = 2, epochs: int = 20, seed: int = 0) -> None:
    """Train on a one-sentence-a-line corpus and write word2vec text format."""
    from gensim.models import FastText, Word2Vec
    from gensim.models.word2vec import LineSentence

    sentences = LineSentence(str(corpus))
    common = dict(vector_size=dim, window=window, min_count=min_count, sg=1, negative=10,
                  epochs=epochs, workers=1, seed=seed, hashfxn=_stable_hash)
    if algorithm == "fasttext":
        # A small n-gram table: the default 2M buckets x dim would take 800 MB for 0.4M tokens.
        model = FastText(sentences, min_n=3, max_n=6, bucket=200_000, **common)
    else:
        model = Word2Vec(sentences, **common)
    kv = model.wv
    if algorithm == "fasttext":
        # Every word of the text gets a vector: trained, or composed of its n-grams.
        counts: Counter = Counter(w for line in sentences for w in line)
        words = [w for w, _ in counts.most_common()]
    else:
        words = list(kv.index_to_key)
    with open(output, "w", encoding="utf-8") as f:
        f.write(f"{len(words)} {dim}\n")
        for w in words:
            f.write(w + " " + " ".join(f"{x:.5f}" for x in kv[w]) + "\n")
    print(f"{algorithm}: {len(kv.index_to_key)} trained words (min_count {min_count}), "
          f"{len(words)} exported, dim {dim}")
    for probe in ("bert", "imagenet", "accuracy", "segmentation"):
        if probe in kv.key_to_index:
            print(f"  {probe}: " + ", ".join(w for w, _ in kv.most_similar(probe, topn=6)))


# ---------------------------------------------------------------- main

def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    shared = Path(os.environ.get("KG_SHARED", REPO.parent / "shared")) / "data"
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--output", type=Path, default=Path("/tmp/vectors_model"),
                   help="the spaCy vectors pipeline for [initialize] vectors / paths.vectors")
    p.add_argument("--work-dir", type=Path, default=None,
                   help="corpus.txt and vectors.txt go here (default: OUTPUT-work beside it)")
    p.add_argument("--scierc-dir", type=Path, default=shared / "scierc")
    p.add_argument("--scier-dir", type=Path, default=shared / "scier")
    p.add_argument("--splits", nargs="+", choices=["train", "dev"], default=["train"],
                   help="corpus splits whose text trains the vectors (dev also selects the NER's "
                        "checkpoints, so by default it stays out)")
    p.add_argument("--include-gold-abstracts", action="store_true",
                   help="also train on the abstracts annotated in tests/data/gold/dev.jsonl")
    p.add_argument("--algorithm", choices=["fasttext", "word2vec"], default="fasttext")
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-sentences", type=int, default=0, help="use only the first N sentences (smoke runs)")
    p.add_argument("--prune", type=int, default=-1,
                   help="keep N rows, mapping the other words to their nearest kept row")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.work_dir or args.output.parent / f"{args.output.name}-work"
    work.mkdir(parents=True, exist_ok=True)
    corpus, vectors_txt = work / "corpus.txt", work / "vectors.txt"

    exclude = set() if args.include_gold_abstracts else gold_abstract_lines()
    samples = sample_texts(exclude=exclude)
    sentences = corpus_sentences(args.scierc_dir, args.scier_dir, samples, args.splits)
    if args.max_sentences:
        sentences = itertools.islice(sentences, args.max_sentences)
    tokens, forms = write_corpus(corpus, sentences)
    print(f"text: {sum(tokens.values())} tokens ({dict(tokens)}); {len(samples)} sample abstracts"
          f" ({len(exclude)} gold abstracts left out) → {corpus}", flush=True)

    t0 = time.time()
    train_gensim(corpus, vectors_txt, algorithm=args.algorithm, dim=args.dim, window=args.window,
                 min_count=args.min_count, epochs=args.epochs, seed=args.seed)
    print(f"gensim: {time.time() - t0:.0f}s → {vectors_txt}", flush=True)

    init = [sys.executable, "-m", "spacy", "init", "vectors", "en", str(vectors_txt),
            str(args.output), "--prune", str(args.prune),
            "--name", f"sci_{args.algorithm}_{args.dim}d.vectors"]
    subprocess.run(init, check=True)
    rows, keys = add_case_keys(args.output, forms)
    print(f"vectors: {rows} rows x {args.dim}, {keys} keys (ORTH; cased forms share a row)")
    size = sum(f.stat().st_size for f in args.output.rglob("*") if f.is_file())
    print(f"saved {args.output} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
