"""The fast paths of the extraction find exactly what the plain code they replace finds, on the
samples' real text: the split metric pattern, the cached metric-name check, the slash scan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.extract import judge, metrics, names

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def texts(sample_papers) -> list[str]:
    plain = [t for p in sample_papers for t in (p.title, p.abstract or "")]
    # the word half lowercases the text; the capitals it must not lose, and accents (non-ASCII)
    recased = [t.upper() for t in plain[:100]] + [t.title() for t in plain[100:200]]
    return plain + recased + ["Top-1 Accuracy, FID, ROUGE-L and RECALL; Précision@5 and mIoU/PSNR."]


def _plain_metric_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [
        m.span()
        for m in metrics._METRIC.finditer(text, start, end)
        if m.group("acronym") or not (len(m.group()) >= 4 and m.group().isupper())
    ]


def test_split_metric_pattern_finds_what_the_whole_one_finds(texts: list[str]) -> None:
    assert metrics._METRIC_WORD is not None  # the word list has no capitals: the fast path runs
    for text in texts:
        for start, end in ((0, len(text)), (7, len(text) // 2)):
            assert metrics._pattern_spans(text, start, end) == _plain_metric_spans(text, start, end), text


def _gold_surfaces() -> set[str]:
    surfaces: set[str] = set()
    for path in (ROOT / "tests" / "data" / "gold").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            for entity in json.loads(line).get("entities", []) if line.strip() else []:
                surfaces.update(s for s in [entity["name"], *entity.get("aliases", [])] if isinstance(s, str))
    return surfaces


def test_cached_metric_name_check_equals_the_uncached_one(texts: list[str]) -> None:
    words = [w for t in texts[:300] for w in t.split()]
    strings = sorted(_gold_surfaces()) + words + [" FID ", "", "  ", "top-1 accuracy", "SPEED"]
    uncached = judge._is_metric_name.__wrapped__
    found = [judge.is_metric_name(s) for s in strings]
    assert found == [uncached(s.strip()) for s in strings]
    assert found == [judge.is_metric_name(s) for s in strings]  # from the cache, the same
    assert any(found) and not all(found)


def test_slash_scan_with_its_lookbehind_matches_the_plain_one(texts: list[str]) -> None:
    plain = re.compile(r"([^\s/]*)/\S*")
    extra = ["DeiT-B/ResMLP-B24 and a/b//c d/ /e f//g/ see github.com/x/y", "/a", "a/", "x /y/z w"]
    for text in texts + extra:
        assert [m.span(0) + m.span(1) for m in names._SLASHED.finditer(text)] == [
            m.span(0) + m.span(1) for m in plain.finditer(text)
        ]


def test_relation_classify_scores_each_pair_alone_and_a_featureless_one_as_unseen(texts: list[str]) -> None:
    from kg.extract.relation_features import _MARKERS, pair_features, tokenize
    from kg.extract.relation_model import Pair, candidate_pairs, load_model

    model = load_model()
    text = "We train ResNet-50 on ImageNet and report top-1 accuracy. BERT improves GLUE."
    spans = [("ResNet-50", "Method"), ("ImageNet", "Dataset"), ("top-1 accuracy", "Metric")]
    spans += [("BERT", "Method"), ("GLUE", "Dataset")]
    mentions = [(text.index(s), text.index(s) + len(s), t) for s, t in spans]
    pairs = candidate_pairs(text, mentions)
    assert len(pairs) == 4  # three in the first sentence, one in the second
    a, b = pairs[0].a, pairs[0].b
    featureless = [Pair(a, b, []), Pair(a, b, ["never-seen-feature"])]
    batch = model.classify(pairs + featureless)
    assert batch == [model.classify([p])[0] for p in pairs + featureless]
    assert batch[-2] == batch[-1]
    assert all(isinstance(c, float) for _, c in batch)
    # a one-word marker found by set lookup, a phrase by substring: as the substring rule alone
    sentence = "We train models, e.g. ResNet-50 such as the ones compared to ViT, on ImageNet."
    words = [text_of.lower() for text_of in (sentence[s:e] for s, e in tokenize(sentence))]
    for a_end in range(1, 8):
        for b_start in range(a_end, len(words) - 1):
            feats = pair_features(words, (a_end - 1, a_end, "Method"), (b_start, b_start + 1, "Dataset"), [])
            gap = words[a_end:b_start]
            joined = " " + " ".join(gap) + " "
            expected = [f"mk={m}|Method|Dataset" for m in _MARKERS if gap and f" {m} " in joined]
            assert [f for f in feats if f.startswith("mk=")] == expected


def test_cost_metrics_prefilter_drops_no_match(texts: list[str]) -> None:
    def unfiltered(text: str) -> list[tuple[int, int]]:
        spans = [m.span("m") for pattern in metrics._COST_PATTERNS for m in pattern.finditer(text)]
        return metrics._longest_first(spans)

    extra = ["Our method needs 35% fewer parameters and 2x less KV cache, cutting GPU memory footprint."]
    found = 0
    for text in texts + extra:
        expected = unfiltered(text)
        assert metrics.find_cost_metrics(text) == expected, text
        found += len(expected)
    assert found > 10
