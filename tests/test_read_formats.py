"""Issue 19's input layouts: JSON in any layout (pretty-printed objects and arrays, concatenated
objects, API pages) with true line numbers, gzip by its magic bytes, standard input, the warnings
a reader gives, and the arXiv error and empty feeds through the real CLI."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.read import input_files, read_papers, text

API = Path(__file__).parent / "data" / "api"


def _rec(i: int, **extra) -> dict:
    return {"id": f"p{i}", "title": f"Paper {i}", "abstract": f"We study thing {i} on ImageNet.", **extra}


def _read(path: Path, fmt: str | None = None):
    errors: list[InputError] = []
    warnings: list[str] = []
    papers = list(read_papers([path], fmt, on_error=errors.append, on_warning=warnings.append))
    return papers, [str(e) for e in errors], warnings


# -- JSON layouts -----------------------------------------------------------------------------------


def test_pretty_printed_object_reads_with_its_line(tmp_path):
    f = tmp_path / "one.json"
    f.write_text("\n\n" + json.dumps(_rec(0), indent=2) + "\n")
    (p,) = read_papers([f])
    assert (p.id, p.title, p.source.line, p.source.pointer) == ("p0", "Paper 0", 3, None)


def test_concatenated_pretty_objects_as_jq_writes_them(tmp_path):
    f = tmp_path / "stream.json"
    f.write_text("".join(json.dumps(_rec(i), indent=2) + "\n" for i in range(3)))
    papers = list(read_papers([f]))
    assert [(p.id, p.source.line) for p in papers] == [("p0", 1), ("p1", 6), ("p2", 11)]


def test_pretty_printed_object_error_names_its_true_line(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('{\n  "id": "p0",\n  "title": "T"\n  "abstract": "x"\n}\n' + json.dumps(_rec(1), indent=2) + "\n")
    with pytest.raises(InputError) as err:
        list(read_papers([f]))
    assert str(err.value) == f"{f}:4: invalid JSON (Expecting ',' delimiter at column 3)"
    papers, errors, _ = _read(f)  # --skip-invalid: the next object is still read
    assert [(p.id, p.source.line) for p in papers] == [("p1", 6)] and errors == [str(err.value)]


def test_truncated_pretty_object_says_so(tmp_path):
    f = tmp_path / "cut.json"
    f.write_text(json.dumps(_rec(0), indent=2) + "\n" + json.dumps(_rec(1), indent=2)[:30])
    papers, errors, _ = _read(f)
    assert [p.id for p in papers] == ["p0"]
    assert (
        len(errors) == 1
        and errors[0].startswith(f"{f}:8: invalid JSON (Unterminated string")
        and "looks truncated" in errors[0]
    )


def test_json_lines_with_a_truncated_first_line_stays_json_lines(tmp_path):
    f = tmp_path / "t.jsonl"
    f.write_text(json.dumps(_rec(0))[:25] + "\n" + json.dumps(_rec(1)) + "\n")
    papers, errors, _ = _read(f)
    assert [(p.id, p.source.line) for p in papers] == [("p1", 2)]
    assert len(errors) == 1 and errors[0].startswith(f"{f}:1: invalid JSON") and "the line looks truncated" in errors[0]


def test_pages_one_per_line_give_their_records_with_pointers(tmp_path):
    f = tmp_path / "pages.jsonl"
    page = lambda lo: {
        "total": 4,
        "offset": lo,
        "data": [  # noqa: E731
            {"paperId": f"s{i}", "title": f"T{i}", "abstract": "x"} for i in range(lo, lo + 2)
        ],
    }
    f.write_text(json.dumps(page(0)) + "\n" + json.dumps(page(2)) + "\n")
    papers = list(read_papers([f]))
    assert [(p.id, p.source.line, p.source.pointer) for p in papers] == [
        ("s0", 1, "/data/0"),
        ("s1", 1, "/data/1"),
        ("s2", 2, "/data/0"),
        ("s3", 2, "/data/1"),
    ]


def test_bad_record_inside_a_pretty_page_names_its_line(tmp_path):
    f = tmp_path / "page.json"
    f.write_text(
        json.dumps(
            {
                "meta": {"count": 2},
                "results": [
                    {"id": "https://openalex.org/W1", "display_name": "Fine", "abstract_inverted_index": {"ok": [0]}},
                    {
                        "id": "https://openalex.org/W2",
                        "display_name": "Bad",
                        "publication_date": 2021,
                        "abstract_inverted_index": {"x": "0"},
                    },
                ],
            },
            indent=2,
        )
    )
    papers, errors, _ = _read(f)
    bad_line = next(n for n, line in enumerate(f.read_text().splitlines(), 1) if "W2" in line) - 1
    assert [p.id for p in papers] == ["W1"]
    assert errors == [
        f"{f}:{bad_line}: 'abstract_inverted_index' must map words to lists of positions (word 'x') (at /results/1)"
    ]


def test_a_stray_brace_in_an_array_is_one_error_not_a_hang(tmp_path):
    f = tmp_path / "a.json"
    f.write_text("[}, " + json.dumps(_rec(0)) + "]")  # used to loop forever with --skip-invalid
    papers, errors, _ = _read(f)
    assert [p.id for p in papers] == ["p0"] and errors == [f"{f}:1: invalid JSON (Expecting value at column 2)"]


def test_a_repeated_page_key_reads_the_last_as_json_does(tmp_path):
    f = tmp_path / "page.json"
    f.write_text('{\n "data": 5,\n "data": [\n  {"paperId": "a", "title": "T", "abstract": "x"}\n ]\n}\n')
    assert [(p.id, p.source.line, p.source.pointer) for p in read_papers([f])] == [("a", 4, "/data/0")]


def test_plain_records_keep_working_and_accept_an_id_with_an_empty_title(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "a", "title": "", "abstract": "We study X."},
                {"title": "", "abstract": "No id, no title."},
                {"id": "c", "abstract": "The title key is missing."},
                {"id": "d", "title": " ", "abstract": ""},
            ]
        )
        + "\n"
    )
    papers, errors, _ = _read(f)
    assert [(p.id, p.title) for p in papers] == [("a", "")]
    assert errors == [
        f"{f}:2: record has no 'title'",
        f"{f}:3: record has no 'title'",
        f"{f}:4: record 'd' has neither a title nor an abstract",
    ]


def test_records_without_an_abstract_are_kept_and_counted_once_per_file(tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps([{"id": f"n{i}", "title": f"Only a title {i}"} for i in range(12)] + [_rec(0)]))
    papers, errors, warnings = _read(f)
    assert len(papers) == 13 and errors == []
    assert warnings == [f"{f}: 12 records have no abstract: kept with their title"]


def test_each_read_warns_and_the_progress_count_does_not(tmp_path, monkeypatch, capsys):
    """A file read twice in one process (a notebook) warns twice; kg extract on a terminal reads
    its inputs twice (the progress bar counts them first) and warns once. The warning was once
    kept to one per message per process, which silenced the notebook's second read."""
    f = tmp_path / "p.json"
    f.write_text(json.dumps([{"id": "n0", "title": "Only a title"}, _rec(0)]))
    warning = f"kg: warning: {f}: 1 record has no abstract: kept with its title"
    for _ in range(2):
        assert len(list(read_papers([f]))) == 2
    assert capsys.readouterr().err.splitlines() == [warning, warning]
    import kg.cli.common
    import kg.cli.pipeline

    monkeypatch.setattr(kg.cli.pipeline, "on_terminal", lambda: True)
    monkeypatch.setattr(kg.cli.common, "on_terminal", lambda: True)
    out = CliRunner().invoke(cli, ["extract", str(f), "-o", str(tmp_path / "x.jsonl"), "--model", "none"])
    assert out.exit_code == 0, out.output
    assert capsys.readouterr().err.count(warning) + out.output.count(warning) == 1


def test_an_empty_response_warns(tmp_path):
    f = tmp_path / "empty.json"
    f.write_text('{"total": 0, "offset": 0, "data": []}\n')
    papers, errors, warnings = _read(f)
    assert papers == [] and errors == []
    assert warnings == [f"{f}: no paper records in this jsonl input"]


# -- gzip -------------------------------------------------------------------------------------------


def _gz(src: Path | bytes, dest: Path) -> Path:
    data = src.read_bytes() if isinstance(src, Path) else src
    dest.write_bytes(gzip.compress(data))
    return dest


@pytest.mark.parametrize(
    "fixture", ["s2_search_page.json", "openalex_works_page.json", "arxiv_feed.xml", "hf_daily_2024-10-18.json"]
)
def test_gzip_by_magic_bytes_whatever_the_name(fixture, tmp_path):
    expected = [(p.id, p.source.line, p.source.pointer) for p in read_papers([API / fixture], on_warning=None)]
    for name in (fixture + ".gz", "response.bin", "response.json"):
        got = read_papers([_gz(API / fixture, tmp_path / name)], on_warning=None)
        assert [(p.id, p.source.line, p.source.pointer) for p in got] == expected


def test_gzipped_json_lines_are_streamed_and_found_in_directories(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    text = "".join(json.dumps(_rec(i)) + "\n" for i in range(5))
    _gz(text.encode(), d / "papers.jsonl.gz")
    (d / "notes.gz").write_bytes(gzip.compress(b"not an input"))  # no format in its name: left out
    assert [f.name for f in input_files([d])] == ["papers.jsonl.gz"]
    assert [(p.id, p.source.line) for p in read_papers([d])] == [(f"p{i}", i + 1) for i in range(5)]


def test_damaged_gzip_is_one_error(tmp_path):
    f = tmp_path / "cut.jsonl.gz"
    f.write_bytes(gzip.compress(b"".join(json.dumps(_rec(i)).encode() + b"\n" for i in range(2000)))[:200])
    with pytest.raises(InputError, match=r"cut\.jsonl\.gz(:\d+)?: damaged gzip file"):
        list(read_papers([f]))
    f.write_bytes(b"\x1f\x8bnot gzip at all")
    with pytest.raises(InputError, match=r"cut\.jsonl\.gz: damaged gzip file"):
        list(read_papers([f]))


def test_a_gzip_bomb_is_refused_at_its_limit_and_real_inputs_are_not(monkeypatch, tmp_path):
    # A .gz had no limit: one expanding 1,000 times was read to its end (into memory, for JSON).
    monkeypatch.setattr(text, "GZIP_MIN_LIMIT", 1 << 20)  # the ratio decides for files this small
    samples = Path(__file__).parents[1] / "examples" / "hf-papers"
    for real in sorted(samples.iterdir()):  # compressed 3 times: far from 100

        def seen(f: Path) -> list[tuple]:
            return [(p.id, p.title, p.abstract, p.source.line) for p in read_papers([f], on_warning=None)]

        assert seen(_gz(real, tmp_path / f"{real.name}.gz")) == seen(real) != []
    records = [json.dumps(_rec(i)).encode() for i in range(2000)]
    padding = b" " * (8 << 20)  # compresses ~1,000 times
    bombs = {
        "lines.jsonl.gz": b"\n".join(records) + b"\n" + padding,  # streamed line by line
        "array.json.gz": b"[" + b",".join(records) + padding + b"]",  # read whole
    }
    for name, data in bombs.items():
        f = _gz(data, tmp_path / name)
        assert len(data) > 100 * f.stat().st_size
        with pytest.raises(InputError, match=rf"^{f}: gzip data expands to more than [\d,]+ bytes, .*gunzip it"):
            list(read_papers([f]))
    # kg build reads extraction files (kg extract --cluster parts) the same way, through the CLI
    few, extraction = tmp_path / "few.jsonl", tmp_path / "x.jsonl"
    few.write_text("".join(json.dumps({"id": p, "title": t, "abstract": a}) + "\n" for p, t, a, _ in seen(real)[:3]))
    assert CliRunner().invoke(cli, ["extract", str(few), "--model", "none", "-q", "-o", str(extraction)]).exit_code == 0
    part = _gz(extraction.read_bytes() + padding, tmp_path / "part-00000.jsonl.gz")
    r = CliRunner().invoke(cli, ["build", str(part), "-o", str(tmp_path / "g.json")])
    assert r.exit_code == 2 and r.output.startswith(f"Error: {part}: gzip data expands") and len(r.output.splitlines()) == 1


# -- standard input ---------------------------------------------------------------------------------


def _kg(*args: str, stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from kg.cli import main; main()", *args], input=stdin, capture_output=True
    )


def test_gzipped_pretty_printed_semantic_scholar_object_on_stdin(tmp_path):
    out = tmp_path / "out.jsonl"
    data = (API / "s2_paper_1706.03762.json").read_bytes()
    r = _kg("extract", "-", "-o", str(out), "--model", "none", "-q", stdin=gzip.compress(data))
    assert r.returncode == 0, r.stderr
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["paper"]["id"] == "1706.03762" and row["paper"]["venue"] == "Neural Information Processing Systems"
    assert row["paper"]["source"] == {"file": "<stdin>", "line": 1, "pointer": None}


# -- the CLI: arXiv error and empty feeds, warnings ------------------------------------------------


def _extract(tmp_path: Path, *inputs: str):
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["extract", *inputs, "-o", str(out), "--model", "none", "-q"])
    return result, out


def test_cli_arxiv_error_feed_exits_2_with_one_line(tmp_path):
    f = shutil.copy(API / "arxiv_error.xml", tmp_path / "query.xml")
    result, out = _extract(tmp_path, str(f))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Error: {f}: arXiv API error: incorrect id format for 1234.12345"]
    assert not out.exists()


def test_cli_arxiv_empty_feed_warns_and_exits_0(tmp_path):
    f = shutil.copy(API / "arxiv_empty.xml", tmp_path / "query.xml")
    result, out = _extract(tmp_path, str(f))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"kg: warning: {f}: the arXiv feed has no entries (opensearch:totalResults 0) for the query "
        "'search_query=all:qwertyuiopasdf&id_list=&start=0&max_results=10'"
    ]
    assert out.read_text() == ""


def test_cli_reads_every_api_response_and_warns_once_per_file(tmp_path):
    d = tmp_path / "responses"
    d.mkdir()
    for name in ("hf_daily_2024-10-18.json", "s2_search_page.json", "openalex_works_page.json", "arxiv_feed.xml"):
        shutil.copy(API / name, d / name)
    result, out = _extract(tmp_path, str(d))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 2 + 4 + 4 + 2
    warned = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warned == [
        f"kg: warning: {d / n}: 1 record has no abstract: kept with its title"
        for n in ("hf_daily_2024-10-18.json", "openalex_works_page.json", "s2_search_page.json")
    ]
    by_id = {r["paper"]["id"]: r["paper"] for r in rows}
    assert by_id["2410.13848"]["upvotes"] == 61 and by_id["1706.03762"]["categories"] == ["cs.CL", "cs.LG"]
    assert by_id["2303.08774"]["doi"] == "10.48550/arxiv.2303.08774"
