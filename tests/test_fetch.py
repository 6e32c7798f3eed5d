"""Issue 19, items 2 and 4: ``kg fetch`` against a loopback server replaying each API's shape
(tests/replay_server.py): paging, the delay between requests, retries on 429 (Retry-After), 5xx,
a timeout and a truncated body, an API error, an empty page, resuming a killed fetch. Nothing
here touches the internet."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from replay_server import (
    ARXIV_ERROR,
    ReplayServer,
    Reply,
    arxiv_api,
    atom_feed,
    hf_daily_api,
    openalex_api,
    record,
    s2_bulk_api,
)

from kg.cli import cli
from kg.read import FORMATS, read_papers

RECORDS = [record(i) for i in range(25)]
DATA = Path(__file__).parent / "data" / "fetch"


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    monkeypatch.setenv("KG_FETCH_BACKOFF", "0.05")
    monkeypatch.delenv("KG_FETCH_MIN_DELAY", raising=False)
    monkeypatch.delenv("S2_API_KEY", raising=False)


def fetch(server: ReplayServer, out: Path, *args: str, source: str = "arxiv", path: str = "/api/query"):
    base = ["fetch", source, "--api-url", server.url + path, "-o", str(out)]
    return CliRunner().invoke(cli, base + ["--delay", "0", *args])


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def needs_reader(fmt: str):
    return pytest.mark.skipif(fmt not in FORMATS, reason=f"the {fmt} reader is not in kg.read yet")


# -- arXiv: paging, the request, the raw pages ------------------------------------------------------

def test_arxiv_pages_with_start_and_max_results(tmp_path):
    with ReplayServer(arxiv_api(RECORDS)) as s:
        r = fetch(s, tmp_path / "new.jsonl", "--category", "cs.CV", "--category", "cs.LG", "--page-size", "10")
    assert r.exit_code == 0, r.output
    assert [(q.params["start"], q.params["max_results"]) for q in s.requests] == [("0", "10"), ("10", "10"),
                                                                                  ("20", "10")]
    q = s.requests[0]
    assert q.path == "/api/query" and q.params["search_query"] == "(cat:cs.CV OR cat:cs.LG)"
    assert q.params["sortBy"] == "submittedDate"
    assert q.headers["User-Agent"].startswith("paper-kg/") and "python-httpx/" in q.headers["User-Agent"]
    got = lines(tmp_path / "new.jsonl")
    assert [p["id"] for p in got] == [rec["id"] for rec in RECORDS]
    assert got[3]["abstract"] == RECORDS[3]["abstract"] and got[3]["authors"] == RECORDS[3]["authors"]
    raw = tmp_path / "new.raw"
    assert sorted(p.name for p in raw.iterdir() if not p.name.startswith(".")) == ["0001.xml", "0002.xml", "0003.xml"]
    assert "fetched 25 papers in 3 pages" in r.output
    # the raw pages read back with the reader give the same papers (a fetch is re-readable)
    assert [p.id for p in read_papers([raw])] == [rec["id"] for rec in RECORDS]


def test_arxiv_date_range_and_max(tmp_path):
    with ReplayServer(arxiv_api(RECORDS)) as s:
        r = fetch(s, tmp_path / "n.jsonl", "--query", "ti:sparse", "--since", "2026-12-01", "--until",
                  "2026-12-03", "--max", "15", "--page-size", "10")
    assert r.exit_code == 0, r.output
    assert [q.params["max_results"] for q in s.requests] == ["10", "5"]
    assert s.requests[0].params["search_query"] == "(ti:sparse) AND submittedDate:[202612010000 TO 202612032359]"
    assert len(lines(tmp_path / "n.jsonl")) == 15


def test_arxiv_needs_a_question(tmp_path):
    with ReplayServer(arxiv_api(RECORDS)) as s:
        r = fetch(s, tmp_path / "n.jsonl")
    assert r.exit_code == 2 and "needs --query, --category" in r.output and not s.requests


def test_the_configured_delay_is_honoured_between_every_request(tmp_path):
    with ReplayServer(arxiv_api(RECORDS)) as s:
        s.faults = [Reply(status=503)]  # a retry is a request too: it waits as long (or its backoff)
        r = CliRunner().invoke(cli, ["fetch", "arxiv", "--api-url", s.url, "--category", "cs.CV", "--page-size", "5",
                                     "--delay", "0.3", "-o", str(tmp_path / "n.jsonl"), "-q"])
    assert r.exit_code == 0, r.output
    assert len(s.requests) == 6
    assert min(s.gaps()) >= 0.3, s.gaps()


def test_arxiv_asks_for_three_seconds_by_default():
    from kg.fetch.sources import SOURCES

    assert SOURCES["arxiv"].min_delay == 3.0


# -- faults: retried, or one line and exit 4 -------------------------------------------------------

def test_429_waits_for_retry_after(tmp_path):
    with ReplayServer(arxiv_api(RECORDS)) as s:
        s.faults = [Reply(status=429, body=b"slow down", headers={"Retry-After": "1"})]
        r = fetch(s, tmp_path / "n.jsonl", "--category", "cs.CV", "--page-size", "25")
    assert r.exit_code == 0, r.output
    assert len(s.requests) == 2 and s.gaps()[0] >= 0.95
    assert "HTTP 429; retrying in 1 s" in r.output
    assert len(lines(tmp_path / "n.jsonl")) == 25


@pytest.mark.parametrize("fault, said", [
    (Reply(status=503, body=b"busy"), "HTTP 503"),
    (Reply(hang=1.5, body=b"late"), "timed out after 0.4 s"),
    (Reply(body=atom_feed(RECORDS[:10], 25, 0), truncate=300, content_type="application/atom+xml"),
     "connection failed"),
    (Reply(body=atom_feed(RECORDS[:10], 25, 0)[:-400], content_type="application/atom+xml"), "not whole XML"),
    (Reply(body=atom_feed([], 25, 10), content_type="application/atom+xml"), "an empty page at start=0 of 25"),
], ids=["503", "timeout", "truncated", "cut-xml", "empty-page"])
def test_faults_are_retried(tmp_path, fault, said):
    with ReplayServer(arxiv_api(RECORDS)) as s:
        s.faults = [fault]
        r = fetch(s, tmp_path / "n.jsonl", "--category", "cs.CV", "--page-size", "10", "--timeout", "0.4")
    assert r.exit_code == 0, r.output
    assert said in r.output
    assert [p["id"] for p in lines(tmp_path / "n.jsonl")] == [rec["id"] for rec in RECORDS]


def test_an_api_error_is_one_line_and_exit_4(tmp_path):
    with ReplayServer(lambda p, q: Reply(status=400, body=ARXIV_ERROR, content_type="application/atom+xml")) as s:
        r = fetch(s, tmp_path / "n.jsonl", "--query", "id:1234.12345")
    assert r.exit_code == 4 and len(s.requests) == 1, r.output
    assert r.output.strip().splitlines() == [
        f"Error: {s.url}/api/query?search_query=%28id%3A1234.12345%29&start=0&max_results=100&sortBy=submittedDate"
        "&sortOrder=descending: HTTP 400: incorrect id format for 1234.12345"]
    assert not (tmp_path / "n.jsonl").exists()
    # the same error feed with 200 is no page of papers either
    with ReplayServer(lambda p, q: Reply(body=ARXIV_ERROR)) as s:
        r = fetch(s, tmp_path / "n.jsonl", "--query", "id:1234.12345")
    assert r.exit_code == 4 and "arXiv API error: incorrect id format for 1234.12345" in r.output


def test_retries_run_out_then_the_same_command_resumes(tmp_path):
    out = tmp_path / "n.jsonl"
    with ReplayServer(arxiv_api(RECORDS)) as s:
        s.faults = [Reply(body=atom_feed(RECORDS[:10], 25, 0))] + [Reply(status=502)] * 3
        r = fetch(s, out, "--category", "cs.CV", "--page-size", "10", "--retries", "2")
        assert r.exit_code == 4 and "HTTP 502; gave up after 3 tries" in r.output, r.output
        assert not out.exists()
        s.requests.clear()
        r = fetch(s, out, "--category", "cs.CV", "--page-size", "10", "--retries", "2")
    assert r.exit_code == 0 and "resumed after page 1" in r.output, r.output
    assert [q.params["start"] for q in s.requests] == ["10", "20"]
    ids = [p["id"] for p in lines(out)]
    assert ids == [rec["id"] for rec in RECORDS]


def test_empty_pages_that_go_on_end_the_fetch_with_a_warning(tmp_path):
    """arXiv's total can promise more than it serves: after the retries an empty page is the end."""
    with ReplayServer(arxiv_api(RECORDS)) as s:
        s.faults = [Reply(body=atom_feed(RECORDS[:10], 25, 0))] + [Reply(body=atom_feed([], 25, 10))] * 3
        r = fetch(s, tmp_path / "n.jsonl", "--category", "cs.CV", "--page-size", "10", "--retries", "2")
    assert r.exit_code == 0, r.output
    assert "an empty page at start=10 of 25 results; gave up after 3 tries and took it as the end" in r.output
    assert len(lines(tmp_path / "n.jsonl")) == 10


def test_no_results_is_a_warning_not_an_error(tmp_path):
    with ReplayServer(arxiv_api([])) as s:
        r = fetch(s, tmp_path / "n.jsonl", "--category", "cs.XX")
    assert r.exit_code == 0, r.output
    assert "fetched 0 papers" in r.output and "warning: the API returned no papers" in r.output
    assert (tmp_path / "n.jsonl").read_text() == ""


def test_results_that_shift_while_paging_are_kept_once(tmp_path):
    shifted = RECORDS[:10] + RECORDS[8:]  # two papers reappear on the next page (new submissions came in)
    with ReplayServer(arxiv_api(shifted)) as s:
        r = fetch(s, tmp_path / "n.jsonl", "--category", "cs.CV", "--page-size", "10", "--max", "0")
    assert r.exit_code == 0, r.output
    assert [p["id"] for p in lines(tmp_path / "n.jsonl")] == [rec["id"] for rec in RECORDS]
    assert "2 repeated dropped" in r.output


def test_another_request_starts_over(tmp_path):
    out = tmp_path / "n.jsonl"
    with ReplayServer(arxiv_api(RECORDS)) as s:
        s.faults = [Reply(body=atom_feed(RECORDS[:10], 25, 0))] + [Reply(status=502)]
        assert fetch(s, out, "--category", "cs.CV", "--page-size", "10", "--retries", "0").exit_code == 4
        s.requests.clear()
        r = fetch(s, out, "--category", "cs.LG", "--page-size", "10")
    assert r.exit_code == 0 and "resumed" not in r.output
    assert s.requests[0].params["start"] == "0"


def test_a_killed_fetch_resumes_without_duplicates(tmp_path):
    out = tmp_path / "n.jsonl"
    state = tmp_path / "n.raw" / ".state.json"
    with ReplayServer(arxiv_api(RECORDS)) as s:
        args = [sys.executable, "-m", "kg", "fetch", "arxiv", "--api-url", s.url, "--category", "cs.CV",
                "--page-size", "5", "--delay", "0.4", "-q", "-o", str(out)]
        proc = subprocess.Popen(args, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if state.exists() and len(json.loads(state.read_text())["pages"]) >= 2:
                break
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        saved = len(json.loads(state.read_text())["pages"])
        assert 2 <= saved < 5 and not out.exists()
        before = len(s.requests)
        done = subprocess.run(args[:-3] + ["-o", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"resumed after page {saved}" in done.stderr
    asked = [int(q.params["start"]) for q in s.requests[before:]]
    assert asked == list(range(saved * 5, 25, 5))
    ids = [p["id"] for p in lines(out)]
    assert ids == [rec["id"] for rec in RECORDS]


# -- the other APIs ---------------------------------------------------------------------------------

@needs_reader("hf-daily")
def test_hf_daily_asks_once_per_day(tmp_path):
    days = {"2026-12-01": RECORDS[:3], "2026-12-02": [], "2026-12-03": RECORDS[3:5]}
    with ReplayServer(hf_daily_api(days)) as s:
        r = fetch(s, tmp_path / "hf.jsonl", "--since", "2026-12-01", "--until", "2026-12-03",
                  source="hf-daily", path="/api/daily_papers")
    assert r.exit_code == 0, r.output
    assert [q.params for q in s.requests] == [{"date": d} for d in days]
    got = lines(tmp_path / "hf.jsonl")
    assert [p["id"] for p in got] == [rec["id"] for rec in RECORDS[:5]]
    assert got[0]["abstract"] == RECORDS[0]["abstract"] and got[0]["upvotes"] == 7
    assert sorted(p.name for p in (tmp_path / "hf.raw").glob("0*")) == ["0001.json", "0002.json", "0003.json"]


@needs_reader("semantic-scholar")
def test_semantic_scholar_pages_with_its_token_and_sends_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv("S2_API_KEY", "k-123")
    with ReplayServer(s2_bulk_api(RECORDS[:7], page=3)) as s:
        r = fetch(s, tmp_path / "s2.jsonl", "--query", "sparse networks", source="semantic-scholar",
                  path="/graph/v1/paper/search/bulk")
    assert r.exit_code == 0, r.output
    assert [q.params.get("token") for q in s.requests] == [None, "3", "6"]
    assert all(q.headers.get("x-api-key") == "k-123" for q in s.requests)
    assert s.requests[0].params["query"] == "sparse networks" and "externalIds" in s.requests[0].params["fields"]
    got = lines(tmp_path / "s2.jsonl")
    assert len(got) == 7 and got[0]["title"] == RECORDS[0]["title"]


@needs_reader("openalex")
def test_openalex_pages_with_its_cursor_and_asks_politely(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENALEX_MAILTO", "me@example.org")
    with ReplayServer(openalex_api(RECORDS[:7], page=3)) as s:
        r = fetch(s, tmp_path / "oa.jsonl", "--filter", "type:article", "--since", "2026-12-01", "--until",
                  "2026-12-02", source="openalex", path="/works")
    assert r.exit_code == 0, r.output
    assert [q.params["cursor"] for q in s.requests] == ["*", "c3", "c6"]
    q = s.requests[0]
    assert q.params["mailto"] == "me@example.org"
    assert q.params["filter"] == "type:article,from_publication_date:2026-12-01,to_publication_date:2026-12-02"
    assert "mailto:me@example.org" in q.headers["User-Agent"]
    got = lines(tmp_path / "oa.jsonl")
    assert len(got) == 7 and got[2]["abstract"] == RECORDS[2]["abstract"]


def test_semantic_scholar_and_openalex_requests_without_a_reader(tmp_path, monkeypatch):
    """The paging alone (the pages' papers are read by kg.read once its readers exist)."""
    from kg.fetch.http import Client
    from kg.fetch.sources import Spec, make_source

    monkeypatch.setenv("S2_API_KEY", "k")
    for name, handler, path in (("semantic-scholar", s2_bulk_api(RECORDS[:7]), "/b"),
                                ("openalex", openalex_api(RECORDS[:7]), "/w")):
        with ReplayServer(handler) as s, Client() as client:
            src = make_source(name, Spec(query="x"), s.url + path)
            params, n = src.first(), 0
            while params is not None:
                _, page = client.get(src.url, params, lambda b, s=src, p=params, f=n: s.read(p, b, f))
                n += page.records
                params = page.next
        assert n == 7 and len(s.requests) == 3, name


def test_the_fixtures_are_each_apis_documented_shape():
    """tests/data/fetch holds one page of each API as documented; the replay builders match them."""
    from replay_server import openalex_work, s2_paper

    s2 = json.loads((DATA / "semantic-scholar-bulk.json").read_text())
    assert set(s2) == {"total", "token", "data"} and set(s2["data"][0]) == set(s2_paper(RECORDS[0]))
    oa = json.loads((DATA / "openalex-works.json").read_text())
    assert set(oa) >= {"meta", "results"} and set(oa["results"][0]) >= set(openalex_work(RECORDS[0]))
    hf = json.loads((DATA / "hf-daily.json").read_text())
    assert {"paper", "publishedAt", "title", "numComments"} <= set(hf[0])
    assert (DATA / "arxiv-error.xml").read_bytes().strip() == ARXIV_ERROR.strip()


def test_the_readmes_fetch_commands_run_against_the_replay(tmp_path, monkeypatch):
    """Each ``kg fetch`` line of the README's section, with --api-url pointing at the replay."""
    import re
    import shlex
    from urllib.parse import urlsplit

    from kg.fetch.sources import SOURCES

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^(?:\S+=\S+ )*kg fetch .+?(?=\s+#|$)", readme, re.M)
    assert len(commands) >= 5
    by_path = {urlsplit(cls.api_url).path: cls.name for cls in SOURCES.values()}
    handlers = {"arxiv": arxiv_api(RECORDS), "hf-daily": hf_daily_api({"2026-12-01": RECORDS[:2]}),
                "semantic-scholar": s2_bulk_api(RECORDS), "openalex": openalex_api(RECORDS)}
    with ReplayServer(lambda path, params: handlers[by_path[path]](path, params)) as s:
        for line in commands:
            words = shlex.split(line.replace("…", "k"))
            while "=" in words[0]:
                name, _, value = words.pop(0).partition("=")
                monkeypatch.setenv(name, value)
            assert words[:2] == ["kg", "fetch"]
            words[words.index("-o") + 1] = str(tmp_path / "out.jsonl")
            api = s.url + urlsplit(SOURCES[words[2]].api_url).path
            r = CliRunner().invoke(cli, [*words[1:], "--api-url", api, "--delay", "0", "--restart"])
            assert r.exit_code == 0, (line, r.output)
            assert lines(tmp_path / "out.jsonl"), line


def test_retry_after_as_seconds_or_an_http_date():
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    from kg.fetch.http import _retry_after

    assert _retry_after("7") == 7.0 and _retry_after(None) is None and _retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= _retry_after(later) <= 31


def test_a_json_api_error_quotes_its_message(tmp_path):
    body = json.dumps({"error": "Unrecognized or unsupported fields: [bogus]"}).encode()
    with ReplayServer(lambda p, q: Reply(status=400, body=body)) as s:
        r = fetch(s, tmp_path / "s2.jsonl", "--query", "x", source="semantic-scholar", path="/bulk")
    assert r.exit_code == 4 and len(s.requests) == 1
    assert r.output.rstrip().endswith("HTTP 400: Unrecognized or unsupported fields: [bogus]"), r.output


@pytest.mark.parametrize("name, fmt", [("arxiv-page.xml", "arxiv-atom"), ("hf-daily.json", "hf-daily"),
                                       ("semantic-scholar-bulk.json", "semantic-scholar"),
                                       ("openalex-works.json", "openalex")])
def test_a_saved_raw_page_is_read_by_its_reader_by_content(name, fmt):
    if fmt not in FORMATS:
        pytest.skip(f"the {fmt} reader is not in kg.read yet")
    from kg.read import detect_format
    from kg.read.text import read_head

    path = DATA / name
    assert detect_format(path, read_head(path)) == fmt
    papers = list(read_papers([path]))
    assert [p.id for p in papers] == ["2612.00000", "2612.00001"]
    assert papers[0].abstract == RECORDS[0]["abstract"]


def test_a_new_fetch_removes_only_the_pages_of_the_last_one(tmp_path):
    raw = tmp_path / "mine"
    raw.mkdir()
    (raw / "2024.json").write_text("[]")  # the user's own file, in the directory given with --raw
    with ReplayServer(arxiv_api(RECORDS)) as s:
        assert fetch(s, tmp_path / "a.jsonl", "--category", "cs.CV", "--page-size", "10", "--raw", raw).exit_code == 0
        assert fetch(s, tmp_path / "a.jsonl", "--query", "x", "--max", "5", "--raw", raw).exit_code == 0
        (raw / ".state.json").write_text("{not json")  # a damaged state: start over
        r = fetch(s, tmp_path / "a.jsonl", "--query", "x", "--max", "5", "--raw", raw)
    assert r.exit_code == 0 and "resumed" not in r.output, r.output
    assert sorted(p.name for p in raw.iterdir()) == [".state.json", "0001.xml", "2024.json"]
    assert len(lines(tmp_path / "a.jsonl")) == 5
