"""Bad-input catalogue: every way a user's input can be wrong, driven through the real CLI.

Each bad case must give exactly one line on stderr, ``Error: FILE:LINE: what is wrong`` (or
``Error: FILE: …`` where no line applies), exit code 2, and no output file; with
``--skip-invalid`` one warning per bad record and the rest processed (exit 0). Odd but valid
input (BOM, LaTeX, zero-width, combining and right-to-left characters, HTML, 500 URLs, a 1 MB
abstract) is processed and kept intact. A subprocess check confirms no traceback reaches users.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

DATA = Path(__file__).parent / "data" / "bad"
SAMPLES = Path(__file__).parents[1] / "examples" / "hf-papers"

GOOD = {"id": "2401.9", "title": "Janus: Decoupling Visual Encoding",
        "abstract": "We introduce Janus, an autoregressive framework evaluated on ImageNet."}


def jl(*records: dict) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


@pytest.fixture(autouse=True)
def _reuse_rules_pipeline(monkeypatch):
    """Every CLI call builds the spaCy pipeline (~0.2-0.4 s) before reading input; build the
    rules-only one once per module so the catalogue stays fast. Behaviour is unchanged: the
    pipeline is stateless between documents (the --workers pool reuses it the same way)."""
    import kg.extract.run as run_mod
    real = run_mod.build_nlp

    def build_nlp(model="default", **kw):
        if model is None and not kw:
            if "nlp" not in _PIPELINE:
                _PIPELINE["nlp"] = real(None)
            return _PIPELINE["nlp"]
        return real(model, **kw)

    monkeypatch.setattr(run_mod, "build_nlp", build_nlp)


_PIPELINE: dict = {}


def run(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=True)


def extract(tmp_path: Path, *inputs: str, extra: tuple[str, ...] = ()) -> tuple[object, list[dict]]:
    out = tmp_path / "out.jsonl"
    result = run(["extract", "--model", "none", "-q", *extra, *inputs, "-o", str(out)])
    # "\n" only: an abstract may hold U+2028 raw, which str.splitlines() would split at
    rows = [json.loads(l) for l in out.read_text(encoding="utf-8").split("\n") if l] if out.exists() else []
    return result, rows


def assert_clean_exit(result) -> None:
    """No exception other than the SystemExit click uses for the exit code, no traceback text."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


# -- the catalogue of bad files -----------------------------------------------------------------

@dataclass(frozen=True)
class Bad:
    id: str
    name: str  # the path given on the command line (relative to tmp_path)
    content: bytes | None  # None: do not create (missing path); b"<dir>": an empty directory
    where: str  # "NAME" or "NAME:LINE" as the message must start
    message: str  # regex for what is wrong

    def make(self, root: Path) -> None:
        if self.content is None:
            return
        p = root / self.name
        if self.content == b"<dir>":
            p.mkdir()
        elif self.content.startswith(b"<copy>"):
            shutil.copy(DATA / self.content[6:].decode(), p)
        else:
            p.write_bytes(self.content)


BAD = [
    Bad("empty-file", "empty.jsonl", b"", "empty.jsonl", "file is empty"),
    Bad("whitespace-only", "blank.txt", b"\n  \n\t\n", "blank.txt", "file is empty"),
    Bad("empty-directory", "nothing", b"<dir>", "nothing", "directory has no supported input files"),
    Bad("missing-path", "no_such_file.jsonl", None, "no_such_file.jsonl", "no such file or directory"),
    Bad("unsupported-suffix", "paper.pdf", b"%PDF-1.7 not really a listing\n", "paper.pdf",
        r"unsupported file type '\.pdf'"),
    Bad("binary", "listing.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "listing.txt",
        "binary file, not text"),
    Bad("utf16-is-binary", "utf16.jsonl", json.dumps(GOOD).encode("utf-16"), "utf16.jsonl",
        "binary file, not text"),
    Bad("latin1-line3", "latin1.txt",
        b"Daily Papers\nA Caf\xc3\xa9 Benchmark for Retrieval\n"
        b"We present the caf\xe9 benchmark, a collection of retrieval tasks for French text.\n",
        "latin1.txt:3", r"not UTF-8 text \(byte 0xe9 at offset \d+\)"),
    Bad("truncated-jsonl-line3", "t.jsonl", b"<copy>truncated_line3.jsonl", "t.jsonl:3",
        r"invalid JSON \(Unterminated string starting at column \d+\): the line looks truncated"),
    Bad("missing-title-line2", "m.jsonl", b"<copy>missing_title_line2.jsonl", "m.jsonl:2",
        "record has no 'title'"),
    Bad("duplicate-id-line4", "d.jsonl", b"<copy>duplicate_id_line4.jsonl", "d.jsonl:4",
        r"duplicate paper id '2401\.1' \(first on line 1\)"),
    Bad("title-not-string", "n.jsonl", jl(GOOD, {"id": "x", "title": ["A", "list"]}), "n.jsonl:2",
        "'title' must be a string, not list"),
    Bad("authors-not-list", "a.jsonl", jl({**GOOD, "authors": {"name": "Ada"}}), "a.jsonl:1",
        "'authors' must be a list of strings"),
    Bad("record-not-object", "o.jsonl", jl(GOOD) + b"[1, 2]\n", "o.jsonl:2",
        "expected a JSON object, found list"),
    Bad("json-array-unclosed", "arr.json", b'[\n  {"id": "1", "title": "A", "abstract": "B"},\n  {"id": "2"',
        "arr.json:3", r"invalid JSON \("),
    Bad("json-array-trailing-text", "arr2.json", b'[{"id": "1", "title": "A"}]\nextra\n',
        "arr2.json:1", "unexpected text after the JSON array"),
    # json raises ValueError (not JSONDecodeError) past 4300 digits: used to be a traceback
    Bad("huge-integer-line2", "big.jsonl", jl(GOOD) + b'{"id": 1' + b"1" * 5000 + b', "title": "T"}\n',
        "big.jsonl:2", r"invalid JSON \(Exceeds the limit"),
    # and RecursionError for deep nesting: used to be a traceback
    Bad("deep-nesting", "deep.jsonl", b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
        "deep.jsonl:1", r"invalid JSON \(nested too deeply\)"),
    # a JSON escape can produce a lone surrogate: used to crash spaCy's tokenizer (traceback)
    Bad("lone-surrogate-line2", "s.jsonl", jl(GOOD) + b'{"id": "s", "title": "Lone \\ud800 half", "abstract": "x"}\n',
        "s.jsonl:2", r"'title' has an unpaired surrogate '\\ud800' \(not valid Unicode\)"),
    Bad("listing-title-without-abstract", "l.txt",
        b"Subscribe\nJanus: Decoupling Visual Encoding\nToo short.\n", "l.txt:2",
        "title 'Janus: Decoupling Visual Encoding' is followed by 'Too short.', which is too short to be its abstract"),
    Bad("listing-only-chrome", "c.txt", b"Get trending papers in your email inbox!\nSubscribe\nOct 17\n",
        "c.txt", r"no paper titles or abstracts found"),
    Bad("atom-not-a-feed", "rss.xml", b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>\n',
        "rss.xml:1", r"not an Atom feed \(root element 'rss'\)"),
    Bad("atom-truncated", "cut.atom", b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        b"  <entry><title>Cut</title>\n", "cut.atom:4", "invalid XML"),
    Bad("atom-entry-without-title", "nt.xml",
        b'<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n<id>http://arxiv.org/abs/2401.00001v1</id>\n'
        b"<summary>No title here.</summary>\n</entry>\n</feed>\n", "nt.xml:2", "entry has no <title>"),
    Bad("billion-laughs", "laughs.xml", b"<copy>billion_laughs.xml", "laughs.xml",
        r"refused unsafe XML \(EntitiesForbidden\)"),
    Bad("external-entity", "xxe.xml", b"<copy>external_entity.xml", "xxe.xml",
        r"refused unsafe XML \(EntitiesForbidden\)"),
]


BUILD_TOO = {"missing-path", "binary", "truncated-jsonl-line3", "duplicate-id-line4", "billion-laughs"}


@pytest.mark.parametrize("case, command", [(b, "extract") for b in BAD] + [(b, "build") for b in BAD if b.id in BUILD_TOO],
                         ids=[f"{b.id}-extract" for b in BAD] + [f"{b.id}-build" for b in BAD if b.id in BUILD_TOO])
def test_bad_input_is_one_line_and_exit_2(case: Bad, command: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    case.make(tmp_path)
    out = "out.jsonl" if command == "extract" else "graph.json"
    result = run([command, "--model", "none", "-q", case.name, "-o", out])
    assert_clean_exit(result)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert re.fullmatch(rf"Error: {re.escape(case.where)}: {case.message}.*", lines[0]), lines[0]
    assert not (tmp_path / out).exists()
    assert not list(tmp_path.glob(f".{out}.*.tmp"))


def test_external_entity_content_never_reaches_output(tmp_path: Path) -> None:
    # refused outright: /etc/passwd content must not be in any output (there is none)
    result, rows = extract(tmp_path, str(DATA / "external_entity.xml"), extra=("--skip-invalid",))
    assert_clean_exit(result)
    assert "root:" not in result.output and rows == []


# -- --skip-invalid: a warning per bad record, the rest processed -------------------------------

@pytest.mark.parametrize("name, n_good, warning", [
    ("truncated_line3.jsonl", 2, r"truncated_line3\.jsonl:3: invalid JSON .*truncated"),
    ("missing_title_line2.jsonl", 2, r"missing_title_line2\.jsonl:2: record has no 'title'"),
    ("duplicate_id_line4.jsonl", 2, r"duplicate_id_line4\.jsonl:4: duplicate paper id '2401\.1'"),
])
def test_skip_invalid_warns_once_and_keeps_the_rest(name, n_good, warning, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(DATA)
    result, rows = extract(tmp_path, name, extra=("--skip-invalid",))
    assert_clean_exit(result)
    assert result.exit_code == 0, result.output
    warnings = [l for l in result.stderr.splitlines() if "warning" in l]
    assert len(warnings) == 1 and re.fullmatch(rf"kg: warning: {warning}.* \(skipped\)", warnings[0]), warnings
    assert len(rows) == n_good
    assert all(r["paper"]["source"]["file"] == name for r in rows)


def test_skip_invalid_over_a_directory_of_good_and_bad_files(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SAMPLES / "001_cc0887e643b500c1.txt", d / "a_listing.txt")
    (d / "b_empty.jsonl").write_bytes(b"")
    (d / "c_binary.txt").write_bytes(b"\x00\x01\x02" * 10)
    shutil.copy(DATA / "truncated_line3.jsonl", d / "d_trunc.jsonl")
    shutil.copy(DATA / "billion_laughs.xml", d / "e_laughs.xml")
    (d / "f_good.jsonl").write_bytes(jl(GOOD))
    result, rows = extract(tmp_path / "o", str(d), extra=("--skip-invalid",))
    assert_clean_exit(result)
    assert result.exit_code == 0, result.output
    warned = re.findall(r"^kg: warning: (\S+?):", result.stderr, flags=re.M)
    assert [Path(w).name for w in warned] == ["b_empty.jsonl", "c_binary.txt", "d_trunc.jsonl", "e_laughs.xml"]
    files = [Path(r["paper"]["source"]["file"]).name for r in rows]
    n_listing = files.count("a_listing.txt")
    assert n_listing > 50  # the whole sample listing
    assert files[n_listing:] == ["d_trunc.jsonl", "d_trunc.jsonl", "f_good.jsonl"]


def test_missing_path_is_fatal_even_with_skip_invalid(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.jsonl").write_bytes(jl(GOOD))
    result, rows = extract(tmp_path, "good.jsonl", "typo.jsonl", extra=("--skip-invalid",))
    assert_clean_exit(result)
    assert result.exit_code == 2 and result.stderr.strip() == "Error: typo.jsonl: no such file or directory"
    assert rows == []


# -- usage errors --------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["extract", "--format", "pdf", "x.jsonl"], r"Invalid value for '--format': 'pdf' is not one of"),
    (["build", "--graph-format", "dot", "x.jsonl", "-o", "g.dot"], r"Invalid value for '--graph-format'"),
    (["extract"], r"Missing argument 'INPUTS\.\.\.'"),
    (["stats", "no_graph.json"], r"no_graph\.json: no such graph file"),
])
def test_usage_errors_exit_2(args, message, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.jsonl").write_bytes(jl(GOOD))
    result = run(args)
    assert_clean_exit(result)
    assert result.exit_code == 2
    assert re.search(message, result.stderr), result.stderr


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00\x00garbage", r"gr\.json: not UTF-8 text"),  # was UnicodeDecodeError traceback
    (b"[]\n", r"gr\.json: not a node-link graph \(top level is a list\)"),  # was AttributeError
    (b'{"nodes": 5}\n', r"gr\.json: not a node-link graph"),
    (b"[" * 100_000, r"gr\.json: invalid graph JSON"),  # was RecursionError
    (b'{"directed": true, "multigraph": true, "graph": {}, "nodes": [{"i', r"gr\.json:1: invalid graph JSON"),
])
def test_stats_on_a_bad_graph_file(content, message, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gr.json").write_bytes(content)
    result = run(["stats", "gr.json"])
    assert_clean_exit(result)
    assert result.exit_code == 2
    assert re.fullmatch(rf"Error: {message}.*", result.stderr.strip()), result.stderr


def test_stats_on_graphml_with_foreign_json_attrs(tmp_path: Path) -> None:
    # kg_json_attrs names an attribute whose value is not JSON: was JSONDecodeError traceback
    g = tmp_path / "g.graphml"
    g.write_text('<?xml version="1.0" encoding="utf-8"?>\n'
                 '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
                 '<key id="d0" for="node" attr.name="aliases" attr.type="string"/>\n'
                 '<key id="d1" for="graph" attr.name="kg_json_attrs" attr.type="string"/>\n'
                 '<graph edgedefault="directed"><data key="d1">["aliases"]</data>\n'
                 '<node id="Method:x"><data key="d0">[not json</data></node></graph></graphml>\n')
    result = run(["stats", str(g)])
    assert_clean_exit(result)
    assert result.exit_code == 2 and "not a graphml graph written by kg" in result.stderr


# -- odd but valid input: processed and kept intact --------------------------------------------

def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + jl(GOOD))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + f"{GOOD['title']}\n{GOOD['abstract']}\n".encode())
    result, rows = extract(tmp_path, str(tmp_path / "bom.jsonl"), str(tmp_path / "bom.txt"))
    assert result.exit_code == 0, result.output
    assert [r["paper"]["title"] for r in rows] == [GOOD["title"]] * 2  # no "\ufeff" glued on
    assert rows[0]["paper"]["id"] == "2401.9" and rows[1]["paper"]["source"]["line"] == 1


def test_crlf_listing(tmp_path: Path) -> None:
    (tmp_path / "crlf.txt").write_bytes(f"Daily Papers\r\n{GOOD['title']}\r\n{GOOD['abstract']}\r\n".encode())
    result, rows = extract(tmp_path, str(tmp_path / "crlf.txt"))
    assert result.exit_code == 0, result.output
    assert rows[0]["paper"]["abstract"] == GOOD["abstract"] and rows[0]["paper"]["source"]["line"] == 2


def _check_offsets(row: dict) -> None:
    paper = row["paper"]
    for e in row["entities"]:
        for m in e["mentions"]:
            assert paper[m["field"]][m["start"]:m["end"]] == m["text"], m


ODD_TITLES = {
    "latex": ("Met$^2$Net: Metric Learning with $\\ell_2$ Constraints",
              "We propose Met$^2$Net, which reaches 91.3% accuracy on CIFAR-10 with \\textbf{half} the FLOPs."),
    "zero-width": ("Zero\u200bWidth\u200dJoiners in Tok\u2060ens",
                   "We study Z\u200bWJ-BERT\ufeff on GLUE and find the zero-width space\u200b breaks tokenizers."),
    "combining": ("Cafe\u0301-Net: Acce\u0301nted Names",
                  "We propose Cafe\u0301-Net and evaluate it on Ame\u0301lie-QA, an accented benchmark."),
    "right-to-left": ("\u05de\u05d5\u05d3\u05dc \u05e9\u05e4\u05d4: AraBERT for \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
                      "We introduce AraBERT, pre-trained on \u0627\u0644\u0639\u0631\u0628\u064a\u0629 text, "
                      "\u202eevil override\u202c and \u200fRTL marks included."),
    "html": ("<b>BERT</b>: Pre-training of <i>Deep</i> Transformers &amp; more",
             "We introduce <script>alert(1)</script> BERT, evaluated on <a href='https://gluebenchmark.com'>GLUE</a>."),
}


@pytest.mark.parametrize("fmt", ["jsonl", "txt"])
@pytest.mark.parametrize("kind", ODD_TITLES)
def test_odd_text_is_kept_intact(kind: str, fmt: str, tmp_path: Path) -> None:
    title, abstract = ODD_TITLES[kind]
    f = tmp_path / f"odd.{fmt}"
    if fmt == "jsonl":
        f.write_bytes(jl({"id": kind, "title": title, "abstract": abstract}))
    else:  # a listing with no chrome: its first line is the odd title (was sniffed as XML/JSON)
        f.write_bytes(f"{title}\n{abstract}\n".encode())
    result, rows = extract(tmp_path, str(f))
    assert_clean_exit(result)
    assert result.exit_code == 0, result.output
    assert len(rows) == 1
    assert (rows[0]["paper"]["title"], rows[0]["paper"]["abstract"]) == (title, abstract)
    _check_offsets(rows[0])


def test_listing_title_starting_with_bracket_is_not_json(tmp_path: Path) -> None:
    # was: "invalid JSON (Expecting value at column 2)" because "[" was taken for a JSON array
    f = tmp_path / "re.txt"
    f.write_text("[Re] Reproducing SimCLR on Small Data\nWe reproduce SimCLR and report results that "
                 "match the original paper on CIFAR-10.\n", encoding="utf-8")
    result, rows = extract(tmp_path, str(f))
    assert result.exit_code == 0, result.output
    assert rows[0]["paper"]["title"] == "[Re] Reproducing SimCLR on Small Data"


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x0c", "\x85", "\x1e"])
def test_line_separators_inside_a_record_do_not_split_it(sep: str, tmp_path: Path) -> None:
    # str.splitlines() splits at these; JSON strings may contain them raw. Was: line 1 "truncated".
    abstract = f"First part of the abstract.{sep}Second part, still the same abstract."
    f = tmp_path / "sep.jsonl"
    f.write_text(json.dumps({**GOOD, "abstract": abstract}, ensure_ascii=False) + "\n"
                 + json.dumps({"id": "second", "title": "Line Two", "abstract": "x"}) + "\n", encoding="utf-8")
    g = tmp_path / "sep.txt"
    g.write_text(f"{GOOD['title']}\n{abstract}\nLine Three Title\n{GOOD['abstract']}\n", encoding="utf-8")
    result, rows = extract(tmp_path, str(f), str(g))
    assert result.exit_code == 0, result.output
    assert [(r["paper"]["abstract"], r["paper"]["source"]["line"]) for r in rows] == \
        [(abstract, 1), ("x", 2), (abstract, 1), (GOOD["abstract"], 3)]


def test_500_urls_in_one_abstract_are_all_found(tmp_path: Path) -> None:
    urls = [f"https://github.com/lab{i}/model-{i}" for i in range(250)] + \
           [f"https://project{i}.example.org/page" for i in range(250)]
    abstract = "Code and pages: " + " ".join(f"see {u}." if i % 2 else f"({u})," for i, u in enumerate(urls))
    f = tmp_path / "urls.jsonl"
    f.write_bytes(jl({"id": "u", "title": "Links Everywhere", "abstract": abstract}))
    result, rows = extract(tmp_path, str(f))
    assert result.exit_code == 0, result.output
    found = {e["url"] for e in rows[0]["entities"] if e["type"] in ("Repository", "Website")}
    assert found == set(urls)
    _check_offsets(rows[0])


def test_arxiv_atom_feed_with_two_entries(tmp_path: Path) -> None:
    result, rows = extract(tmp_path, str(DATA / "arxiv_two_entries.atom"))
    assert result.exit_code == 0, result.output
    papers = [r["paper"] for r in rows]
    assert [(p["id"], p["arxiv_id"], p["date"], p["source"]["line"]) for p in papers] == [
        ("1706.03762", "1706.03762v7", "2017-06-12", 10), ("1810.04805", "1810.04805v2", "2018-10-11", 32)]
    assert papers[1]["title"] == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert papers[0]["authors"] == ["Ashish Vaswani", "Noam Shazeer"]
    assert papers[0]["abstract"].startswith("The dominant sequence transduction models are based on complex recurrent or convolutional")
    assert papers[0]["url"] == "http://arxiv.org/abs/1706.03762v7"
    assert {e["key"] for e in rows[1]["entities"] if e["type"] == "Repository"} == {"github.com/google-research/bert"}


def test_one_megabyte_abstract_is_processed(tmp_path: Path) -> None:
    """Once a traceback (spaCy's max_length) and then 160 s (assembly quadratic in sentences ×
    mentions); build_nlp raises the limit and the assembler bisects. Since issue 18 (item 10) a
    record over 200,000 characters is refused by default (tests/test_absurd_text.py); --max-chars 0
    lifts the limit."""
    sentence = "We propose Met$^2$Net, a transformer that reaches 84.2% top-1 accuracy on ImageNet. "
    abstract = (sentence * (2**20 // len(sentence) + 1))[:2**20]
    f = tmp_path / "big.jsonl"
    f.write_bytes(jl({"id": "big", "title": "One Megabyte", "abstract": abstract}))
    result, rows = extract(tmp_path, str(f), extra=("--max-chars", "0"))
    assert_clean_exit(result)
    assert result.exit_code == 0, result.output[-2000:]
    row = rows[0]
    assert row["paper"]["abstract"] == abstract.strip()
    assert any(e["name"] == "ImageNet" for e in row["entities"])


# -- the real executable: never a traceback -----------------------------------------------------

SUBPROCESS_CASES = ["missing-path", "truncated-jsonl-line3", "billion-laughs"]  # each start-up costs ~2 s


def test_no_traceback_from_the_real_executable(tmp_path: Path) -> None:
    """Run the installed entry point (kg.cli:main) on bad inputs in parallel subprocesses."""
    procs = []
    for case in (b for b in BAD if b.id in SUBPROCESS_CASES):
        d = tmp_path / case.id
        d.mkdir()
        case.make(d)
        cmd = [sys.executable, "-c", "from kg.cli import main; main()",
               "extract", "--model", "none", case.name, "-o", "out.jsonl"]
        procs.append((case, subprocess.Popen(cmd, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                             text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})))
    assert len(procs) == len(SUBPROCESS_CASES)
    for case, p in procs:
        out, err = p.communicate(timeout=120)
        assert "Traceback" not in err, (case.id, err)
        assert p.returncode == 2, (case.id, err)
        assert err.strip().startswith(f"Error: {case.where}: "), (case.id, err)
