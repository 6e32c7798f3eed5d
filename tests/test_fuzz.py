"""Fuzzing with hypothesis.

Readers: arbitrary bytes or text written to a file raise nothing but InputError. Extraction
(rules only) on arbitrary unicode: never crashes, every mention slices exactly to its text and
every evidence offset lies within its field.

Examples per test: 60 by default; KG_FUZZ_EXAMPLES=2000 for the long run, e.g.
    KG_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q tests/test_fuzz.py
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from kg.errors import InputError
from kg.model import Paper
from kg.read import FORMATS, read_file

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 60,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SUFFIXES = [".txt", ".jsonl", ".json", ".xml", ".atom", ".pdf", ""]
TOKENS = ["{", "}", "[", "]", '"', ":", ",", "\n", "\r\n", "<", ">", "/", "<?xml version='1.0'?>", "<feed ",
          "xmlns='http://www.w3.org/2005/Atom'", "<entry>", "</entry>", "<title>", "</title>", "<!DOCTYPE",
          "<!ENTITY a 'x'>", "&a;", '"title"', '"abstract"', '"id"', "null", "1e999", "-0", "\ufeff",
          "\u2028", "\x00", "Subscribe", "Daily Papers", "Oct 17", "We propose Met$^2$Net on ImageNet.",
          "https://github.com/a/b", " " * 50, "x" * 450]
structured = st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=40).map("".join)
texts = structured | st.text(max_size=300)
blobs = st.binary(max_size=400) | texts.map(lambda t: t.encode("utf-8", "surrogatepass"))

_DIR = Path(tempfile.mkdtemp(prefix="kg-fuzz-"))
atexit.register(shutil.rmtree, _DIR, True)


def _read_all(data: bytes, suffix: str, fmt: str | None, skip: bool) -> list[Paper]:
    path = _DIR / f"in{suffix}"
    path.write_bytes(data)
    errors: list[InputError] = []
    try:
        papers = list(read_file(path, fmt, on_error=errors.append if skip else None))
    except InputError as err:
        assert str(err).startswith(str(path))
        assert "\n" not in str(err)
        return []
    for err in errors:
        assert isinstance(err, InputError) and str(err).startswith(str(path)) and "\n" not in str(err)
    for p in papers:
        assert p.id and p.source is not None and p.source.line >= 1
        (p.id + p.title + p.abstract + "".join(p.authors)).encode("utf-8")  # valid Unicode for spaCy
    return papers


@FUZZ
@given(data=blobs, suffix=st.sampled_from(SUFFIXES), fmt=st.none() | st.sampled_from(FORMATS), skip=st.booleans())
def test_readers_raise_only_input_error(data: bytes, suffix: str, fmt: str | None, skip: bool) -> None:
    _read_all(data, suffix, fmt, skip)


_jsonish = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                        max_leaves=12)
records = st.fixed_dictionaries({}, optional={"id": _jsonish | st.text(max_size=10), "title": _jsonish | st.text(),
                                              "abstract": _jsonish | st.text(), "authors": _jsonish,
                                              "url": _jsonish, "date": _jsonish, "summary": _jsonish})


@FUZZ
@given(recs=st.lists(records | _jsonish, max_size=6), array=st.booleans())
def test_jsonl_records_of_any_shape(recs: list, array: bool) -> None:
    import json
    text = json.dumps(recs, ensure_ascii=False) if array else "\n".join(json.dumps(r, ensure_ascii=False) for r in recs)
    papers = _read_all(text.encode("utf-8", "surrogatepass"), ".jsonl", None, True)
    for p in papers:  # a kept record keeps its text as written (trimmed)
        assert p.title and p.title == p.title.strip()


# -- extraction ----------------------------------------------------------------------------------

_EXTRACTOR = None


def _extractor():
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from kg.extract.run import Extractor
        _EXTRACTOR = Extractor(model=None)
    return _EXTRACTOR


WORDS = ["We", "propose", "Met$^2$Net", "(MN)", "BERT", "ImageNet", "accuracy", "of", "84.2%", "F1", "on",
         "outperforms", "ResNet-50", "by", "+3.1", "points", "https://github.com/a/b.", "(https://x.org/p)",
         "Vision Transformer (ViT)", ".", ",", ";", "\n", "\u200b", "e\u0301", "\u05e9\u05e4\u05d4", "\u202e",
         "\U0001f600", "$\\ell_2$", "<b>", "</b>", "&amp;", "  ", "1.5x", "faster", "dataset",
         "We introduce the COCO-X benchmark.", "state-of-the-art", "BLEU", "28.4"]
prose = st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=60).map(" ".join)
field_text = prose | st.text(max_size=200)


@FUZZ
@given(title=field_text, abstract=field_text)
def test_extraction_offsets_hold_on_arbitrary_text(title: str, abstract: str) -> None:
    paper = Paper(id="fuzz", title=title, abstract=abstract)
    [ex] = list(_extractor().extract([paper]))
    fields = {"title": title, "abstract": abstract}
    for e in ex.entities:
        assert e.mentions
        for m in e.mentions:
            assert 0 <= m.start <= m.end <= len(fields[m.field])
            assert fields[m.field][m.start:m.end] == m.text, (e.name, m)
    evidences = [r.evidence for r in ex.relations] + [r.evidence for r in ex.results]
    for ev in evidences:
        text = fields[ev.field]
        assert 0 <= ev.sentence_start and ev.sentence_start + len(ev.sentence) <= len(text)
        assert text[ev.sentence_start:ev.sentence_start + len(ev.sentence)] == ev.sentence
        for span in (ev.head, ev.tail):
            if span is not None:
                assert 0 <= span[0] <= span[1] <= len(text), (ev, span)
    ex.model_dump_json()  # serializable, including lone surrogates in the text
