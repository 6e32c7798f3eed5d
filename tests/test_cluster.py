"""`kg extract --cluster`: Dask distributed on a LocalCluster bound to 127.0.0.1 (two worker
processes), the rules-only pipeline (--model none) over the samples written as JSON Lines, so
that large inputs are cut into byte ranges. The reference is single-process `kg extract`."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from kg.cli.pipeline import extract
from kg.errors import InputError, UsageError

distributed = pytest.importorskip("distributed")

from kg.cluster.job import JobOptions, part_files, prepare, run_job  # noqa: E402
from kg.cluster.partition import line_ranges, plan, read_partition  # noqa: E402

RULES = JobOptions(model=None)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The samples as one JSONL (one record per id: a JSONL refuses a repeated id)."""
    from kg.read import read_papers

    path = tmp_path_factory.mktemp("corpus") / "samples.jsonl"
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as fh:
        for p in read_papers([SAMPLES]):
            if p.id not in seen:
                seen.add(p.id)
                record = {"id": p.id, "title": p.title, "abstract": p.abstract, "url": p.url, "authors": p.authors}
                fh.write(json.dumps(record) + "\n")
    return path


@pytest.fixture(scope="module")
def single(corpus, tmp_path_factory) -> bytes:
    """What single-process `kg extract` writes for the corpus and the samples' listings."""
    out = tmp_path_factory.mktemp("single") / "x.jsonl"
    result = CliRunner().invoke(
        extract, [str(corpus), str(SAMPLES), "--model", "none", "--workers", "1", "-q", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


def joined(outdir: Path) -> bytes:
    return b"".join(gzip.decompress(p.read_bytes()) for p in part_files(outdir))


def ids(data: bytes) -> list[str]:
    return [json.loads(line)["paper"]["id"] + json.loads(line)["paper"]["source"]["file"] for line in data.splitlines()]


def test_byte_ranges_start_at_lines_and_read_every_record_once(corpus):
    ranges = list(line_ranges(corpus, 20_000))
    assert len(ranges) > 10
    data = corpus.read_bytes()
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    for (_, end, _), (start, _, line) in zip(ranges, ranges[1:], strict=False):
        assert end == start and data[start - 1 : start] == b"\n"
        assert line == data.count(b"\n", 0, start) + 1
    from kg.read import read_papers

    parts = plan([corpus], target_bytes=20_000)
    assert [p for part in parts for p in read_partition(part)] == list(read_papers([corpus]))


def test_cluster_output_equals_single_process(corpus, single, tmp_path):
    out = tmp_path / "parts"
    args = [str(corpus), str(SAMPLES), "--model", "none", "-o", str(out), "--cluster", "local:2"]
    result = CliRunner().invoke(extract, [*args, "--partition-size", "50000"])
    assert result.exit_code == 0, result.output
    assert "extracted 1,093 papers" in result.stderr  # 545 + 548
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and len(manifest["parts"]) == len(part_files(out)) > 10
    assert joined(out) == single  # same papers, same bytes, same order
    # a rerun finds everything done and extracts nothing
    again = CliRunner().invoke(extract, [*args, "--partition-size", "50000"])
    assert again.exit_code == 0, again.output
    assert f"{len(manifest['parts'])} of {len(manifest['parts'])} parts already done" in again.stderr


def test_a_killed_worker_loses_no_paper_and_doubles_none(client, corpus, single, tmp_path):
    job = prepare(client, [corpus, *sorted(SAMPLES.iterdir())], tmp_path, RULES, partition_bytes=25_000)
    killed: list[int] = []

    def kill_a_busy_worker(part) -> None:
        if killed:
            return
        busy = [addr for addr, keys in client.processing().items() if keys]
        pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
        os.kill(pid, signal.SIGKILL)  # mid-partition: the nanny starts a new worker
        killed.append(pid)

    report = run_job(client, job, on_part=kill_a_busy_worker)
    assert killed and killed[0] not in client.run(os.getpid).values()
    assert report.submitted == len(job.parts) and len(report.done) == len(job.parts)
    assert joined(tmp_path) == single
    assert len(set(ids(single))) == len(ids(single))


def _executing(client) -> int:
    return sum(client.run(lambda dask_worker: len(dask_worker.state.executing)).values())


def test_a_rerun_after_an_interruption_extracts_nothing_twice(client, corpus, single, tmp_path):
    job = prepare(client, [corpus, *sorted(SAMPLES.iterdir())], tmp_path, RULES, partition_bytes=25_000)

    class Stop(Exception):
        pass

    def stop_after_three(part) -> None:
        if len(job.done) >= 3:
            raise Stop

    with pytest.raises(Stop):
        run_job(client, job, on_part=stop_after_three)
    deadline = time.monotonic() + 30
    # Parts already running finish (and count as done) or are cancelled. A cancelled part whose
    # thread is running still writes its file (Dask cannot interrupt a thread), after the
    # scheduler has stopped listing it: wait for the workers' own executing tasks too.
    while (any(client.processing().values()) or _executing(client)) and time.monotonic() < deadline:
        time.sleep(0.1)
    first = {p.name: p.stat().st_mtime_ns for p in part_files(tmp_path)}
    assert 3 <= len(first) < len(job.parts)

    resumed = prepare(client, [corpus, *sorted(SAMPLES.iterdir())], tmp_path, RULES)
    assert resumed.parts == job.parts and set(resumed.done) == {int(n[5:10]) for n in first}
    extracted: list[int] = []
    report = run_job(client, resumed, on_part=lambda part: extracted.append(part.index))
    assert sorted(extracted) == [p.index for p in job.parts if p.name not in first]
    assert report.submitted == len(extracted)
    assert {n: (tmp_path / n).stat().st_mtime_ns for n in first} == first  # none rewritten
    assert joined(tmp_path) == single


def test_an_id_repeated_in_another_byte_range_is_refused_as_single_process_refuses_it(client, corpus, tmp_path):
    # Each worker read its range with a fresh set of ids, so a repeat two ranges apart went through.
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)[:60]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(lines[:50] + [lines[3]] + lines[50:]), encoding="utf-8")  # line 51 repeats line 4

    def single(*extra: str) -> tuple[str, bytes]:
        out = tmp_path / "single.jsonl"
        result = CliRunner().invoke(extract, [str(src), "--model", "none", "--workers", "1", "-o", str(out), *extra])
        return result.output, out.read_bytes() if result.exit_code == 0 else b""

    refused, _ = single("-q")
    assert refused.endswith(f"{src}:51: duplicate paper id {json.loads(lines[3])['id']!r} (first on line 4)\n")
    out = tmp_path / "parts"
    with pytest.raises(InputError) as err:
        prepare(client, [src], out, RULES, partition_bytes=20_000)
    assert refused == f"Error: {err.value}\n" and err.value.exit_code == 2
    assert not out.exists()  # no manifest, no part: nothing of a job whose input must change

    # --skip-invalid: the repeat is skipped with the same warning, the rest extracted alike
    skipping = JobOptions(model=None, skip_invalid=True)
    job = prepare(client, [src], tmp_path / "skipped", skipping, partition_bytes=20_000)
    repeats = [(p.first_line, p.earlier_ids) for p in job.parts if p.earlier_ids]
    assert len(job.parts) > 3 and repeats == [(repeats[0][0], {json.loads(lines[3])["id"]: 4})] and repeats[0][0] > 4
    report = run_job(client, job)
    warned, expected = single("--skip-invalid")
    assert [f"kg: warning: {w}" for d in report.done for w in d.warnings] == warned.splitlines()[:1]
    assert joined(tmp_path / "skipped") == expected

    src.write_text("".join(lines), encoding="utf-8")  # fixed: the same directory takes the job
    run_job(client, prepare(client, [src], out, RULES, partition_bytes=20_000))
    assert json.loads((out / "manifest.json").read_text())["complete"]
    assert joined(out) == single("-q")[1]


def test_other_options_in_the_same_directory_are_refused(client, corpus, tmp_path):
    prepare(client, [corpus], tmp_path, RULES)
    with pytest.raises(UsageError, match="holds parts of another job"):
        prepare(client, [corpus], tmp_path, JobOptions(model=None, min_confidence=0.9))
    (tmp_path / "manifest.json").unlink()
    (tmp_path / "part-00000.jsonl.gz").write_bytes(gzip.compress(b""))
    with pytest.raises(UsageError, match="part files but no manifest"):
        prepare(client, [corpus], tmp_path, RULES)


def test_without_distributed_the_cli_says_what_to_install(monkeypatch, corpus, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    result = CliRunner().invoke(extract, [str(corpus), "-o", str(tmp_path), "--cluster", "local:2"])
    assert result.exit_code == 2
    assert "pip install 'paper-kg[cluster]'" in result.output
