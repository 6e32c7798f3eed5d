"""Fuzzing with hypothesis.

Readers: arbitrary bytes or text written to a file raise nothing but InputError; so do API
responses (issue 19) whose records hold each API's keys with any JSON value. Extraction
(rules only) on arbitrary unicode: never crashes, every mention slices exactly to its text and
every evidence offset lies within its field.

The whole path (issue 18), rules only (``--model none``): adversarial titles and abstracts through
kg extract → kg build → every graph format → read back → kg build --update → kg render → kg
explain, in-process: no crash, and every output reads back (see its docstring).

Examples per test: 60 by default (the whole path: 100, marked slow); KG_FUZZ_EXAMPLES=2000 for the
long run, e.g.
    KG_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q tests/test_fuzz.py
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

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
    for p in papers:  # a kept record keeps its text as written (trimmed); an id may come without a title
        assert p.title == p.title.strip() and (p.title or p.abstract)


# API responses (issue 19): records with each API's keys holding anything, in arrays, pages and
# pretty-printed documents, read detected and forced
_api_keys = ["paperId", "externalIds", "title", "abstract", "authors", "publicationDate", "year", "url", "venue",
             "journal", "fieldsOfStudy", "s2FieldsOfStudy", "openAccessPdf", "publicationVenue", "paper", "id",
             "summary", "publishedAt", "upvotes", "numComments", "githubRepo", "projectPage", "display_name",
             "doi", "abstract_inverted_index", "authorships", "publication_date", "primary_location",
             "locations", "topics", "concepts", "ArXiv", "DOI", "name", "author", "source", "landing_page_url"]
_api_value = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 10**12) | st.text(max_size=12)
    | st.sampled_from(["2410.13848", "https://openalex.org/W1", "https://arxiv.org/abs/2303.08774", "2024-10-17"]),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(_api_keys) | st.text(max_size=4), c,
                                                       max_size=5),
    max_leaves=16)
api_records = st.dictionaries(st.sampled_from(_api_keys), _api_value, max_size=8)


@FUZZ
@given(recs=st.lists(api_records | _api_value, max_size=4), layout=st.sampled_from(["array", "page", "results",
                                                                                   "lines", "pretty"]),
       fmt=st.none() | st.sampled_from(["hf-daily", "semantic-scholar", "openalex"]))
def test_api_responses_of_any_shape(recs: list, layout: str, fmt: str | None) -> None:
    import json
    doc = {"array": recs, "page": {"total": len(recs), "data": recs}, "results": {"meta": {}, "results": recs},
           "lines": None, "pretty": recs}[layout]
    if layout == "lines":
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs)
    else:
        text = json.dumps(doc, ensure_ascii=False, indent=2 if layout == "pretty" else None)
    for skip in (True, False):
        _read_all(text.encode("utf-8", "surrogatepass"), ".json", fmt, skip)


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


# -- the whole path: extract → build → each format → read back → --update → render → explain ------

# Pieces of adversarial text: control characters, unicode, absurd numbers, URLs glued to words,
# brackets, markup, our own escape prefix, JSON's non-standard constants, names and results.
NASTY = ["\x00", "\x1b[31m", "\x1b]8;;x\x07", "\x0c", "\r", "\r\n", "\t", "\u2028", "\ufeff", "\u202e", "\u200b",
         "e\u0301", "\U0001f600", "\u05e9\u05e4\u05d4", "\ufffe", "\uffff", "9" * 309, "1e999", "Infinity", "NaN",
         "-0", "https://github.com/a/b", "webpage.https://x.org/p.", "pairs.F1", "(https://y.io/z)", "[", "]",
         "(", ")", "{", "}", "<b>", "</b>", "&amp;", "]]>", "<!--", "kg-escaped:", "->", " -> USES -> ",
         "We propose FooNet (FN).", "FN reaches an accuracy of 84.2% on ImageNet.", "F1", "BLEU of 28.4",
         "outperforms ResNet-50 by +3.1 points", "from 71.2 to 74.5", "COCO", "Table 1", "e.g.", "et al.",
         "Met$^2$Net", "$\\ell_2$", " ", "  ", "\n", ".", ",", "key", "type", "label", "id", "Paper:x"]
PROSE = ["We propose FooNet (FN), a transformer for image classification.", "We introduce the Bar-10 benchmark.",
         "FN reaches an accuracy of 84.2% on ImageNet and a BLEU of 28.4 on WMT'14.", "It outperforms CLIP and BERT.",
         "Code: https://github.com/foo/foonet.", "Vision Transformer (ViT) is used for object detection on COCO.",
         "mIoU improves from 71.2 to 74.5 on ADE20K.", "We evaluate GPT-4 on SQuAD v2.0 with F1 and EM.",
         "Our method surpasses ResNet-50 (76.1%) by +3.1%.", "Project page: https://foo.github.io/x/."]
_piece = st.sampled_from(NASTY) | st.sampled_from(PROSE) | st.text(max_size=8)
nasty_text = st.lists(_piece, max_size=20).flatmap(lambda xs: st.sampled_from(["", " "]).map(lambda sep: sep.join(xs)))
paper_records = st.fixed_dictionaries(
    {"title": nasty_text, "abstract": nasty_text},
    optional={"id": st.sampled_from(["p1", "p2", "2410.13848", "", " ", "\x00"]) | st.text(max_size=6),
              "url": st.sampled_from(["https://arxiv.org/abs/1", "", "javascript:alert(1)"]) | nasty_text,
              "authors": st.lists(nasty_text, max_size=3)})


def _cli(args: list[str], ok: tuple[int, ...] = (0,)):
    from click.testing import CliRunner

    from kg.cli import cli
    r = CliRunner().invoke(cli, args, catch_exceptions=True)
    assert r.exception is None or isinstance(r.exception, SystemExit), (args, repr(r.exception), r.output[-2000:])
    assert "Traceback" not in r.output, (args, r.output[-2000:])
    assert r.exit_code in ok, (args, r.exit_code, r.output[-2000:])
    if r.exit_code == 2:  # an error is one line (warnings aside)
        assert len([line for line in r.stderr.splitlines() if not line.startswith("kg: warning:")]) == 1, r.stderr
    return r


def _strict_json(text: str):
    import json

    def bad(name: str):
        raise AssertionError(f"non-standard JSON constant {name}")
    return json.loads(text, parse_constant=bad)


def _canon_graph(g) -> str:
    import json

    from kg.graph.formats import to_json_data
    data = to_json_data(g)
    data.pop("graph", None)
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"], e["key"]))
    for item in data["nodes"] + data["edges"]:
        for k in [k for k, v in item.items() if v is None or v == []]:
            del item[k]  # GraphML/GEXF hold no None; an empty list and no list read the same
    return json.dumps(data, sort_keys=True, ensure_ascii=True)


_RULES_NLP: dict = {}


def _cached_rules_nlp():
    """kg extract/build build the spaCy pipeline per call (~0.3 s); build the rules-only one once."""
    from unittest import mock

    import kg.extract.run as run_mod
    real = run_mod.build_nlp if "real" not in _RULES_NLP else _RULES_NLP["real"]
    _RULES_NLP["real"] = real

    def build_nlp(model="default", **kw):
        if model is None and not kw:
            if "nlp" not in _RULES_NLP:
                _RULES_NLP["nlp"] = real(None)
            return _RULES_NLP["nlp"]
        return real(model, **kw)
    return mock.patch.object(run_mod, "build_nlp", build_nlp)


# 100 examples by default (~15 s, the same ones every run); KG_FUZZ_EXAMPLES=2000 for the long run.
PATH_EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "100"))
PATH_FUZZ = settings(max_examples=PATH_EXAMPLES, deadline=None, derandomize="KG_FUZZ_EXAMPLES" not in os.environ,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PATH_FUZZ
@given(first=st.lists(paper_records, min_size=1, max_size=3), second=st.lists(paper_records, max_size=2),
       update_fmt=st.sampled_from(["json", "graphml", "gexf"]), skip=st.booleans())
def test_whole_path_never_crashes_and_every_output_reads_back(first: list, second: list, update_fmt: str,
                                                              skip: bool) -> None:
    """Rules only (``--model none``, one process, the pipeline built once): the trained models add
    mentions, not new kinds of text, and are too slow for thousands of examples. Every command
    exits 0, or 2 with one line; nothing tracebacks; the extraction JSONL is strict JSON that
    validates; every graph format reads back to the same graph; ``--update`` equals a full build;
    the page's data is strict JSON; ``kg explain`` explains every node it is given by id."""
    import json
    import tempfile

    from kg.graph.formats import read_graph
    from kg.model import Extraction
    from kg.read import read_papers

    flags = ["-q"] + (["--skip-invalid"] if skip else [])
    common = [*flags, "--model", "none", "--workers", "1"]
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-path-") as tmp, _cached_rules_nlp():
        d = Path(tmp)
        a, b = d / "a.jsonl", d / "b.jsonl"
        a.write_text("".join(json.dumps(r) + "\n" for r in first), encoding="utf-8")
        b.write_text("".join(json.dumps(r) + "\n" for r in second), encoding="utf-8")
        ex = d / "ex.jsonl"
        if _cli(["extract", *common, str(a), "-o", str(ex)], ok=(0, 2)).exit_code == 2:
            assert not skip  # with --skip-invalid a bad record is skipped, never the end
            event("extract: a bad record, one line")
            return
        lines = [line for line in ex.read_text(encoding="utf-8").split("\n") if line]
        for line in lines:
            Extraction.model_validate(_strict_json(line))
        if not lines:  # every record skipped: an empty file, which kg build refuses in one line
            _cli(["build", "-q", str(ex), "-o", str(d / "g.json")], ok=(2,))
            event("every record skipped")
            return
        # kg extract is per record (and shardable): two records of one id with different texts are
        # refused by kg build, from the extractions as from the inputs, naming both sources
        r_ex = _cli(["build", *flags, str(ex), "-o", str(d / "g.json")], ok=(0, 2))
        r_raw = _cli(["build", *common, str(a), "-o", str(d / "raw.json")], ok=(0, 2))
        assert r_ex.exit_code == r_raw.exit_code, (r_ex.output, r_raw.output)
        if r_ex.exit_code == 2:
            assert "has another title or abstract" in r_ex.output, r_ex.output
            event("conflicting duplicates, refused")
            return
        assert _canon_graph(read_graph(d / "g.json")) == _canon_graph(read_graph(d / "raw.json"))
        # every format from the extractions, and each reads back to the JSON graph
        graphs = {}
        for fmt in ("json", "graphml", "gexf"):
            out = d / f"g.{fmt}"
            _cli(["build", *flags, str(ex), "-o", str(out)])
            if fmt == "json":
                _strict_json(out.read_text(encoding="utf-8"))
            graphs[fmt] = read_graph(out)
            _cli(["stats", str(out)])
        assert _canon_graph(graphs["graphml"]) == _canon_graph(graphs["json"])
        assert _canon_graph(graphs["gexf"]) == _canon_graph(graphs["json"])
        g = graphs["json"]
        # render: the page's data is strict JSON
        html = d / "g.html"
        _cli(["render", str(d / "g.json"), "-o", str(html)])
        page = html.read_text(encoding="utf-8")
        _strict_json(page.split('<script type="application/json" id="kg-data">', 1)[1].split("</script>", 1)[0])
        # explain: a few nodes by id, and an edge
        for node in list(g.nodes)[:3]:
            _cli(["explain", str(d / "g.json"), node])
        for head, tail, key in list(g.edges(keys=True))[:1]:
            _cli(["explain", str(d / "g.json"), f"{head} -> {key} -> {tail}"])
        # --update with the second batch equals a full build of both, unless the second batch
        # changes a paper of the first: an update replaces it, one run keeps the first (or refuses)
        upd = d / f"g.{update_fmt}"
        r = _cli(["build", *common, "--update", str(upd), str(b)], ok=(0, 2))
        full = d / f"full.{update_fmt}"
        r_full = _cli(["build", *common, str(a), str(b), "-o", str(full)], ok=(0, 2))
        texts = {p.id: (p.title, p.abstract) for p in read_papers([a], on_error=lambda e: None)}
        changed = any(p.id in texts and texts[p.id] != (p.title, p.abstract)
                      for p in read_papers([b], on_error=lambda e: None))
        if changed:
            event("the update changes a paper")
        else:
            assert r.exit_code == r_full.exit_code, (r.output, r_full.output)
            if r.exit_code == 0:
                assert _canon_graph(read_graph(upd)) == _canon_graph(read_graph(full))
        event(f"whole path, update exit {r.exit_code}")
        event(f"graph of {min(g.number_of_nodes() // 5 * 5, 20)}+ nodes")
