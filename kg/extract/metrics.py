"""Recognise metric names in text when no Metric mention covers them.

Two sources: a deliberately short built-in list of the metrics ML abstracts report most (so the
results rule works with no data files), and the Metric entries of the generated lexicons in
kg/data/lexicons/*.jsonl when that package is installed. Both only ever return spans of the text.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

__all__ = ["find_metric_names", "lexicon_metric_names"]

# Case-sensitive acronyms: "IS", "AP", "EM" only count in capitals, never as English words.
_ACRONYMS = r"""
    [gr]?FID | sFID | FVD | KID | IS | Inception\ Score
  | mAP(?:@[\d.:]+)? | AP(?:_?\d+|@[\d.]+)? | m?IoU | mIou | J&F | Dice
  | BLEU(?:-\d)? | ROUGE(?:-[L12])? | METEOR | CIDEr | SPICE | chrF\+* | BERTScore
  | PSNR | SSIM | LPIPS | PPL | R?MSE | MAE | NRMSE | MAPE | WER | CER | EM
  | AUC(?:-ROC)? | AUROC | AUPRC | NDCG(?:@\d+)? | MRR(?:@\d+)? | Hits@\d+ | R@\d+
  | F1(?:[- ]scores?)?(?:@\d+)? | FLOPs | FPS | PickScore | CLIP[- ]?[Ss]core
"""
# Case-insensitive words, with the qualifiers that are part of a metric's name.
_WORDS = r"""
    (?:(?:top-?[15]|test|validation|zero-shot(?:\ transfer)?|overall|average|mean|balanced
        |exact[- ]match|linear[- ]prob(?:e|ing)|few-shot|classification|pass@\d+)\ )*
    accurac(?:y|ies)
  | acc@\d+ | pass@\d+ | recall(?:@\d+)? | (?:mean\ )?average\ precision | precision(?:@\d+)?
  | f1[- ]scores? | f-(?:score|measure) | perplexity | exact\ match | top-[15]\ error
  | (?:word\ |character\ )?error\ rate | success\ rate | win\ rate | compression\ (?:ratio|rate)
  | aesthetic\ score | inception\ score
  | (?:inference\ |generation\ |training\ |decoding\ |generate\ )?(?:speed|throughput|latency)
  | speed-?ups?
"""
_METRIC = re.compile(
    rf"(?<![\w\-@])(?:(?:{_ACRONYMS})|(?i:{_WORDS}))(?![\w\-@]|\.\d)", re.VERBOSE)

# Generic words a noisy lexicon might list as metrics; never a metric on their own here.
_TOO_GENERIC = frozenset({"performance", "quality", "efficiency", "cost", "score", "scores",
                          "time", "error", "results", "gain", "accuracy gain", "loss", "rate"})
_LEXICON_TOKEN = re.compile(r"\w(?:[\w@&+\-/.]*\w)?")
_MAX_WORDS = 4


@lru_cache(maxsize=1)
def lexicon_metric_names() -> frozenset[str]:
    """Lowercased names and aliases of every Metric in kg.data.lexicons; empty if not installed."""
    names: set[str] = set()
    try:
        files = list(resources.files("kg.data.lexicons").iterdir())
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return frozenset()
    for f in files:
        if not f.name.endswith(".jsonl"):
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if not isinstance(entry, dict) or entry.get("type") != "Metric":
                continue
            for name in [entry.get("name"), *(entry.get("aliases") or [])]:
                if isinstance(name, str) and 2 <= len(name) <= 60:
                    key = name.strip().lower()
                    if key not in _TOO_GENERIC and len(key.split()) <= _MAX_WORDS:
                        names.add(key)
    return frozenset(names)


def find_metric_names(text: str, start: int = 0, end: int | None = None,
                      lexicon: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of metric names in ``text[start:end]``, in order.

    Longest match wins. ``lexicon`` defaults to :func:`lexicon_metric_names`; short lexicon
    names (< 4 characters) must match case-sensitively-ish: all-lowercase text words never
    match an acronym, so "map" or "is" in prose are not metrics.
    """
    end = len(text) if end is None else end
    spans = [m.span() for m in _METRIC.finditer(text, start, end)]
    names = lexicon_metric_names() if lexicon is None else lexicon
    if names:
        spans.extend(_lexicon_spans(text, start, end, names))
    return _longest_first(spans)


def _lexicon_spans(text: str, start: int, end: int,
                   names: frozenset[str]) -> list[tuple[int, int]]:
    tokens = [m.span() for m in _LEXICON_TOKEN.finditer(text, start, end)]
    found: list[tuple[int, int]] = []
    for i in range(len(tokens)):
        for n in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
            s, e = tokens[i][0], tokens[i + n - 1][1]
            surface = text[s:e]
            if surface.lower() in names and not (len(surface) < 4 and surface.islower()):
                found.append((s, e))
                break
    return found


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for s, e in sorted(set(spans), key=lambda p: (p[0], p[0] - p[1])):
        if kept and s < kept[-1][1]:
            continue
        kept.append((s, e))
    return kept
