"""A synthetic corpus for scale tests: N paper records as JSON Lines, made from the sample abstracts.

Each record resamples one sample paper and varies its names so the graph grows the way a real
corpus does instead of repeating the same few hundred papers:

* the proposed method (the title prefix "X: …") is renamed everywhere in the paper: mostly a
  fresh name in the style of the original (an acronym stays an acronym, CamelCase stays
  CamelCase), sometimes a versioned one ("-7B", "-v2"), sometimes a name an earlier synthetic
  paper proposed (follow-up work);
* dataset/benchmark names (a name-like word before "benchmark", "dataset", "corpus", …) get a
  suffix ("-Hard", "-v2", …) or a fresh name, some of the time;
* decimal numbers (scores) are perturbed by up to ±10 % with the same number of decimals.

Shared vocabulary (CLIP, GPT-4, LLMs, ImageNet) stays, so popular entities gain many papers.
Deterministic for a given seed and sample set; records are written one at a time.

    python -m kg.bench.synth -n 100000 -o /tmp/synth.jsonl --seed 0
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kg.bench.common import SAMPLES

_TITLE_PREFIX = re.compile(r"^(?P<name>[^:]{1,40}?)\s*:\s*\S")
_NAME_WORD = re.compile(r"^[A-Za-z0-9][\w.+'-]*$")
_DATASET = re.compile(
    r"\b(?P<name>[A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)(?=\s+(?:benchmarks?|datasets?|corpus|corpora|suite|leaderboard)\b)"
)
_DECIMAL = re.compile(r"(?<![\w.])(?P<int>\d{1,3})\.(?P<frac>\d{1,3})(?![\w.])")

_SYLLABLES = (
    "va",
    "lo",
    "ra",
    "mi",
    "no",
    "ki",
    "ze",
    "tor",
    "lum",
    "vex",
    "qua",
    "syn",
    "dra",
    "pix",
    "mor",
    "tal",
    "gen",
    "ori",
    "nex",
    "sol",
    "kai",
    "ve",
    "ar",
    "bel",
    "cy",
    "do",
    "fu",
    "hy",
)
_TAILS = ("Net", "Former", "LM", "GPT", "Diff", "VLM", "Agent", "Bench", "RL", "Seg", "Gen", "Mix", "")
_VERSIONS = ("-7B", "-13B", "-v2", "-2", "-Large", "-Base", "-Mini", "-XL", "-1.5", "-Pro")
_DATA_SUFFIXES = ("-Hard", "-v2", "-Lite", "-Pro", "-XL", "++", "-2K", "-Ext", "-Zero", "-Plus")


def load_seed_records(paths: Iterable[str | Path] = (SAMPLES,)) -> list[dict[str, Any]]:
    """The sample papers as plain records (title, abstract, authors, date)."""
    from kg.read import read_papers

    out = []
    for p in read_papers(list(paths)):
        if p.abstract.strip():
            out.append({"title": p.title, "abstract": p.abstract, "authors": list(p.authors), "date": p.date})
    if not out:
        raise SystemExit("synth_corpus: no sample papers with an abstract")
    return out


def _sub_word(text: str, old: str, new: str) -> str:
    return re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w])", lambda _: new, text)


class Mutator:
    """Turns a seed record into the i-th synthetic record; one instance per corpus (it remembers
    the names it made, so later papers can reuse them)."""

    def __init__(
        self,
        seeds: list[dict[str, Any]],
        seed: int = 0,
        *,
        reuse: float = 0.15,
        versioned: float = 0.2,
        dataset_rate: float = 0.4,
        pool_size: int = 5000,
    ):
        self.seeds = seeds
        self.rng = random.Random(seed)
        self.seed = seed
        self.reuse, self.versioned, self.dataset_rate = reuse, versioned, dataset_rate
        self.pool: list[str] = []
        self.pool_size = pool_size

    # -- names ---------------------------------------------------------------------------
    def _acronym(self) -> str:
        r = self.rng
        s = "".join(r.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") for _ in range(r.randint(3, 5)))
        return s + (str(r.randint(1, 9)) if r.random() < 0.15 else "")

    def _camel(self) -> str:
        r = self.rng
        head = "".join(r.choice(_SYLLABLES) for _ in range(r.randint(2, 3))).capitalize()
        return head + r.choice(_TAILS)

    def method_name(self, original: str) -> str:
        r = self.rng
        if self.pool and r.random() < self.reuse:
            return r.choice(self.pool)
        word = original.split()[0]
        name = self._acronym() if word.replace("-", "").isupper() else self._camel()
        if r.random() < self.versioned:
            name += r.choice(_VERSIONS)
        if len(self.pool) < self.pool_size:
            self.pool.append(name)
        else:
            self.pool[r.randrange(self.pool_size)] = name
        return name

    def dataset_name(self, original: str) -> str | None:
        r = self.rng
        x = r.random()
        if x >= self.dataset_rate:
            return None
        if x < self.dataset_rate * 0.3:
            return self._camel().rstrip() + r.choice(("Bench", "QA", "Set", "-Eval"))
        return original + r.choice(_DATA_SUFFIXES)

    def _number(self, m: re.Match) -> str:
        frac = m.group("frac")
        v = float(m.group(0)) * self.rng.uniform(0.9, 1.1)
        return f"{v:.{len(frac)}f}"

    # -- records -------------------------------------------------------------------------
    def record(self, i: int) -> dict[str, Any]:
        base = self.rng.choice(self.seeds)
        title, abstract = base["title"], base["abstract"]
        m = _TITLE_PREFIX.match(title)
        if m:
            old = m.group("name").strip()
            if 1 <= len(old.split()) <= 3 and all(_NAME_WORD.match(w) for w in old.split()):
                new = self.method_name(old)
                title, abstract = _sub_word(title, old, new), _sub_word(abstract, old, new)
        for old in sorted({d.group("name") for d in _DATASET.finditer(abstract)}, key=lambda s: (-len(s), s)):
            if len(old) < 3 or old[0].islower():
                continue
            renamed = self.dataset_name(old)
            if renamed:
                abstract = _sub_word(abstract, old, renamed)
        abstract = _DECIMAL.sub(self._number, abstract)
        return {
            "id": f"synth-{self.seed}-{i:07d}",
            "title": title,
            "abstract": abstract,
            "authors": base.get("authors") or [],
            "date": base.get("date"),
        }


def generate(n: int, seed: int = 0, seeds: list[dict[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
    mut = Mutator(seeds if seeds is not None else load_seed_records(), seed)
    for i in range(n):
        yield mut.record(i)


def write_corpus(out: IO[str] | str | Path, n: int, seed: int = 0, seeds: list[dict[str, Any]] | None = None) -> int:
    """Stream N records to a path or an open text file; returns the number of words written
    (title + abstract, whitespace-split)."""
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8") as fh:
            return write_corpus(fh, n, seed, seeds)
    words = 0
    for rec in generate(n, seed, seeds):
        out.write(json.dumps(rec, ensure_ascii=False))
        out.write("\n")
        words += len(rec["title"].split()) + len(rec["abstract"].split())
    return words


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=100_000, help="records to write (default 100000)")
    ap.add_argument("-o", "--output", default="-", help="JSONL file (- for stdout)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--samples", nargs="+", default=[str(SAMPLES)], help="seed papers (any kg input)")
    a = ap.parse_args(argv)
    seeds = load_seed_records(a.samples)
    if a.output == "-":
        write_corpus(sys.stdout, a.n, a.seed, seeds)
    else:
        words = write_corpus(a.output, a.n, a.seed, seeds)
        print(f"synth_corpus: {a.n:,} records, {words:,} words -> {a.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
