"""Issue 19, items 3 and 4: ``kg update GRAPH`` fetches from a loopback replay server (or reads
files), extracts only the new and changed papers, merges them, re-renders the page; a run with
nothing new writes nothing (same bytes, same modification times) and extracts nothing; the lock
makes a second concurrent run wait or exit 75."""

from __future__ import annotations

import fcntl
import json
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from replay_server import ReplayServer, Reply, arxiv_api, record

from kg.cli import cli
from kg.read import FORMATS

RECORDS = [record(i) for i in range(15)]


@pytest.fixture(autouse=True)
def fast_fetch(monkeypatch):
    monkeypatch.setenv("KG_FETCH_MIN_DELAY", "0")
    monkeypatch.setenv("KG_FETCH_BACKOFF", "0.05")


@pytest.fixture
def extraction_calls(monkeypatch) -> list[int]:
    """How many papers each extraction run was given (the real extraction runs)."""
    import kg.extract.stream as stream

    calls: list[int] = []
    real = stream.extract_stream

    def counting(papers, *args, **kwargs):
        papers = list(papers)
        calls.append(len(papers))
        return real(papers, *args, **kwargs)

    monkeypatch.setattr(stream, "extract_stream", counting)
    return calls


def kg(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def built(tmp_path: Path, records: list[dict]) -> Path:
    src = tmp_path / "first.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    g = tmp_path / "g.json"
    r = kg("build", src, "-o", g, "--model", "none", "-q")
    assert r.exit_code == 0, r.output
    return g


def node_ids(g: Path) -> set[str]:
    return {n["id"] for n in json.loads(g.read_text(encoding="utf-8"))["nodes"]}


def update(g: Path, server: ReplayServer, *args):
    return kg("update", g, "--fetch", "arxiv", "--api-url", server.url, "--category", "cs.CV",
              "--page-size", "4", "--model", "none", *args)


def snapshot(*paths: Path) -> list[tuple[bytes, int]]:
    return [(p.read_bytes(), p.stat().st_mtime_ns) for p in paths]


def test_fetch_extract_merge_render_then_nothing_new_changes_no_byte(tmp_path, extraction_calls):
    g = built(tmp_path, RECORDS[:10])
    extraction_calls.clear()
    page = tmp_path / "g.html"
    with ReplayServer(arxiv_api(RECORDS[5:])) as s:  # 5 papers the graph holds, 5 new
        r = update(g, s, "--html", page)
        assert r.exit_code == 0, r.output
        assert "kg update: 5 new, 0 changed, 5 unchanged papers; graph" in r.output
        assert "; fetched 10 from arxiv in 3 pages in " in r.output
        assert extraction_calls == [5]
        assert {f"Paper:{rec['id']}" for rec in RECORDS} <= node_ids(g)
        assert page.exists() and "2612.00014" in page.read_text(encoding="utf-8")
        assert (tmp_path / "g.json.fetch" / "arxiv.jsonl").exists()
        record_file = tmp_path / "g.json.extractions.jsonl"
        before = snapshot(g, record_file, page)
        time.sleep(0.05)  # a rewrite would show in the modification times
        r = update(g, s, "--html", page)
    assert r.exit_code == 0, r.output
    assert "0 new, 0 changed, 10 unchanged papers; graph unchanged" in r.output
    assert extraction_calls == [5]  # no extraction the second time
    assert snapshot(g, record_file, page) == before


def test_a_changed_paper_replaces_its_old_version(tmp_path, extraction_calls):
    g = built(tmp_path, RECORDS[:6])
    extraction_calls.clear()
    changed = dict(RECORDS[3], abstract="We propose DenseNet3, a dense network, and evaluate it on CIFAR-10.")
    with ReplayServer(arxiv_api([*RECORDS[:3], changed, *RECORDS[4:6]])) as s:
        r = update(g, s)
    assert r.exit_code == 0, r.output
    assert "0 new, 1 changed, 5 unchanged papers" in r.output
    assert extraction_calls == [1]
    ids = node_ids(g)
    assert "Dataset:cifar-10" in ids and "Paper:2612.00003" in ids
    assert not any(i.startswith("Method:") and "sparsenet3" in i for i in ids), ids
    # the graph equals a full build of the same papers (the record was replayed, the new version added)
    full = tmp_path / "full.json"
    src = tmp_path / "all.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in [*RECORDS[:3], *RECORDS[4:6], changed]), encoding="utf-8")
    assert kg("build", src, "-o", full, "--model", "none", "-q").exit_code == 0
    assert node_ids(full) == ids


def test_files_as_sources(tmp_path):
    g = built(tmp_path, RECORDS[:2])
    new = tmp_path / "new.jsonl"
    new.write_text("".join(json.dumps(x) + "\n" for x in RECORDS[1:4]), encoding="utf-8")
    r = kg("update", g, new, "--model", "none")
    assert r.exit_code == 0, r.output
    assert "2 new, 0 changed, 1 unchanged papers" in r.output
    assert "Paper:2612.00003" in node_ids(g)


def test_usage_errors_are_one_line_exit_2(tmp_path):
    g = built(tmp_path, RECORDS[:1])
    r = kg("update", g)
    assert r.exit_code == 2 and "give INPUTS" in r.output
    r = kg("update", tmp_path / "nope.json", tmp_path / "first.jsonl")
    assert r.exit_code == 2 and "no such graph file" in r.output


def test_a_failing_api_leaves_the_graph_alone_and_exits_4(tmp_path):
    g = built(tmp_path, RECORDS[:2])
    before = snapshot(g)
    with ReplayServer(arxiv_api(RECORDS)) as s:
        s.faults = [Reply(status=503)] * 3
        r = update(g, s, "--retries", "2")
        assert r.exit_code == 4 and "HTTP 503; gave up after 3 tries" in r.output, r.output
        assert snapshot(g) == before
        r = update(g, s)  # the next run (cron's next turn) fetches and merges
    assert r.exit_code == 0 and "13 new" in r.output, r.output


def test_a_second_concurrent_update_exits_75_with_no_wait_or_waits(tmp_path):
    g = built(tmp_path, RECORDS[:1])
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps(RECORDS[1]) + "\n", encoding="utf-8")
    with open(str(g) + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        r = kg("update", g, new, "--model", "none", "--no-wait")
        assert r.exit_code == 75, r.output
        assert r.output.strip() == f"Error: {g}: another update of this graph is running (it holds {g}.lock)"
        result = {}
        waiting = threading.Thread(target=lambda: result.update(r=kg("update", g, new, "--model", "none")))
        waiting.start()
        time.sleep(1.0)
        assert waiting.is_alive() and "Paper:2612.00001" not in node_ids(g)
        fcntl.flock(lock, fcntl.LOCK_UN)
    waiting.join(60)
    assert result["r"].exit_code == 0, result["r"].output
    assert "another update of" in result["r"].output and "waiting for it" in result["r"].output
    assert "Paper:2612.00001" in node_ids(g)


@pytest.mark.skipif("hf-daily" not in FORMATS, reason="the hf-daily reader is not in kg.read yet")
def test_what_the_api_says_of_a_paper_reaches_the_graph(tmp_path):
    from replay_server import hf_daily_api

    g = built(tmp_path, RECORDS[:1])
    with ReplayServer(hf_daily_api({"2026-12-01": RECORDS[1:3]})) as s:
        r = kg("update", g, "--fetch", "hf-daily", "--api-url", s.url + "/api/daily_papers", "--date", "2026-12-01",
               "--model", "none")
    assert r.exit_code == 0 and "2 new, 0 changed, 0 unchanged papers" in r.output, r.output
    paper = next(n for n in json.loads(g.read_text())["nodes"] if n["id"] == "Paper:2612.00002")
    assert paper["upvotes"] == 7 and paper["code_url"] == "https://github.com/lab/2612.00002"
    assert paper["date"] == "2026-12-01" and paper["title"] == RECORDS[2]["title"]
