"""The client side of ``kg extract --cluster``: connect, plan, skip what is done, submit, record.

``OUTDIR/manifest.json`` names the job (its options and inputs: path, size, modification time),
its partitions (file, byte range, first line) and every finished part (papers, entities,
relations, the SHA-256 of its uncompressed lines). It is written before any task runs and again,
atomically, as each part lands, so a job stopped anywhere resumes: a rerun with the same inputs
and options keeps the plan, checks each recorded part against its hash and submits only the
rest. A part file is only ever complete (written by a rename), so one that landed after the
last manifest write is read back and kept too.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.cluster.partition import DEFAULT_PARTITION_BYTES, Partition, plan
from kg.cluster.worker import JobOptions, PartDone, PipelinePlugin, RangeIds, extract_partition, read_ids
from kg.errors import InputError, UsageError
from kg.io.atomic import atomic_write
from kg.read.jsonl import duplicate_id

MANIFEST = "manifest.json"
RETRIES = 2  # a task that raised (not a bad record: those come back as data) runs again
PARTS_PER_THREAD = 4  # small inputs are cut finer, so no worker idles while another finishes


def require_distributed() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError("--cluster needs Dask distributed: pip install 'paper-kg[cluster]'") from None


@contextlib.contextmanager
def connect(address: str) -> Iterator[Any]:
    """A Client for ``local:N`` (a LocalCluster of N one-thread worker processes on 127.0.0.1)
    or the scheduler at ``tcp://HOST:PORT``."""
    require_distributed()
    import logging

    from distributed import Client, LocalCluster

    if address.startswith("local:"):
        try:
            n = int(address.removeprefix("local:"))
            if n < 1:
                raise ValueError
        except ValueError:
            raise UsageError(f"--cluster {address}: use local:N with N >= 1, or tcp://HOST:PORT") from None
        with (
            LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # no dashboard; the scheduler's health endpoint on a free loopback port, not 8787
                # (a second job, or any other Dask, would make it warn)
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    if "://" not in address:
        raise UsageError(f"--cluster {address}: use local:N, or a scheduler address such as tcp://HOST:8786")
    try:
        client = Client(address, timeout="20s")
    except OSError as err:
        raise UsageError(f"--cluster {address}: cannot reach the Dask scheduler ({err})") from None
    with client:
        yield client


@dataclass
class JobReport:
    parts: int
    submitted: int
    done: list[PartDone] = field(default_factory=list)

    def total(self, what: str) -> int:
        return sum(getattr(d, what) for d in self.done)


def _input_record(path: str) -> dict[str, Any]:
    st = os.stat(path)
    return {"file": path, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _job_key(files: list[Path], options: JobOptions) -> dict[str, Any]:
    return {"options": asdict(options), "inputs": [_input_record(str(f)) for f in files]}


def _part_dict(p: Partition) -> dict[str, Any]:
    return asdict(p)


def _write_manifest(outdir: Path, key: dict[str, Any], parts: list[Partition], done: dict[int, PartDone]) -> None:
    doc = {
        "version": 1,
        **key,
        "partitions": [_part_dict(p) for p in parts],
        "parts": [asdict(done[i]) for i in sorted(done)],
        "papers": sum(d.papers for d in done.values()),
        "complete": len(done) == len(parts),
    }
    with atomic_write(outdir / MANIFEST) as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


def read_part(path: Path) -> PartDone:
    """A part file's counts and hash, read back from its lines."""
    digest, done = hashlib.sha256(), PartDone(int(path.name[5:10]))
    with gzip.open(path, "rb") as fh:
        for data in fh:
            digest.update(data)
            record = json.loads(data)
            done.papers += 1
            done.entities += len(record.get("entities", []))
            done.relations += len(record.get("relations", []))
            done.bytes += len(data)
    done.sha256 = digest.hexdigest()
    return done


def _resume(outdir: Path, key: dict[str, Any]) -> tuple[list[Partition] | None, dict[int, PartDone]]:
    """The plan and the verified finished parts of an earlier run of this job in ``outdir``."""
    path = outdir / MANIFEST
    if not path.exists():
        if part_files(outdir):  # another plan's parts would mix with this one's
            raise UsageError(f"{outdir} holds part files but no {MANIFEST}; give another -o or remove them")
        return None, {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        same = doc.get("options") == key["options"] and doc.get("inputs") == key["inputs"]
        parts = [Partition(**p) for p in doc["partitions"]]
        recorded = {d["index"]: d for d in doc.get("parts", [])}
    except (ValueError, KeyError, TypeError):
        raise UsageError(f"{path} is not a kg extract --cluster manifest; give another -o") from None
    if not same:
        raise UsageError(f"{outdir} holds parts of another job (other inputs or options); give another -o or remove it")
    done: dict[int, PartDone] = {}
    for p in parts:
        file = outdir / p.name
        if not file.exists():
            continue
        try:
            found = read_part(file)
        except (OSError, EOFError, ValueError):
            continue  # not ours or damaged: extracted again
        if p.index not in recorded or recorded[p.index]["sha256"] == found.sha256:
            found.warnings = recorded.get(p.index, {}).get("warnings", [])
            done[p.index] = found
    return parts, done


def _target_bytes(files: list[Path], threads: int, cap: int) -> int:
    total = sum(f.stat().st_size for f in files if f.is_file())
    return max(1 << 16, min(cap, total // max(1, threads * PARTS_PER_THREAD) + 1))


def check_ids(client: Any, parts: list[Partition], options: JobOptions) -> list[Partition]:
    """``parts`` with each byte range's ``earlier_ids``; the first bad record of a file cut into
    ranges, or a paper id repeated in another range, as the InputError single-process ``kg
    extract`` stops at (unless the job skips bad records: then its workers skip them as it does).

    Why a read of its own before anything is extracted: a worker sees only its range, so a repeat
    two ranges apart is known only when both are read, and by then parts would be on disk for an
    input that must change (which no rerun can resume). Reading is ~100 MB/s per core (kg.read
    over the samples as JSONL), far below the cost of extracting the same records."""
    ranges = [p for p in parts if p.end is not None]
    if not ranges:
        return parts
    run = uuid.uuid4().hex[:8]
    keys = [f"kg-ids-{p.index:05d}-{run}" for p in ranges]
    found: list[RangeIds] = client.gather(client.map(read_ids, ranges, options=options, key=keys, retries=RETRIES))
    errors: list[tuple[int, int, InputError]] = []  # (partition, line, error): the first one is raised
    checked = {p.index: p for p in parts}
    seen: dict[str, int] = {}
    for part, got in zip(ranges, found, strict=True):
        if part.start == 0:  # a file's first range (a file named twice is read twice, as by kg extract)
            seen = {}
        earlier = {i: seen[i] for i in got.ids if i in seen}
        if got.error is not None:
            errors.append((part.index, got.error[1] or 0, InputError(*got.error)))
        if earlier and not options.skip_invalid:
            first = min(earlier, key=got.ids.__getitem__)
            errors.append((part.index, got.ids[first], duplicate_id(part.file, got.ids[first], first, earlier[first])))
        for i, line in got.ids.items():
            seen.setdefault(i, line)
        checked[part.index] = replace(part, earlier_ids=earlier)
    if errors:
        raise min(errors, key=lambda e: e[:2])[2]
    return [checked[p.index] for p in parts]


@dataclass
class Job:
    """A planned job: its partitions and the parts an earlier run already finished."""

    outdir: Path
    options: JobOptions
    key: dict[str, Any]
    parts: list[Partition]
    done: dict[int, PartDone]

    @property
    def todo(self) -> list[Partition]:
        return [p for p in self.parts if p.index not in self.done]


def prepare(
    client: Any,
    files: list[Path],
    outdir: Path,
    options: JobOptions,
    fmt: str | None = None,
    partition_bytes: int | None = None,
) -> Job:
    """The job's plan (an earlier run's, when ``outdir`` holds one of the same job), written
    into ``outdir/manifest.json`` before anything runs; an input refused by :func:`check_ids`
    leaves ``outdir`` untouched."""
    key = _job_key(files, options)
    parts, done = _resume(outdir, key)
    if parts is None:
        threads = sum(client.nthreads().values()) or 1
        parts = plan(files, fmt, partition_bytes or _target_bytes(files, threads, DEFAULT_PARTITION_BYTES))
        parts = check_ids(client, parts, options)
    outdir.mkdir(parents=True, exist_ok=True)
    _write_manifest(outdir, key, parts, done)
    return Job(outdir, options, key, parts, done)


def run_job(client: Any, job: Job, on_part: Callable[[PartDone], None] | None = None) -> JobReport:
    """Extract the parts ``job`` still lacks; ``on_part`` sees each as it lands."""
    from distributed import as_completed

    todo = job.todo
    if todo:
        client.register_plugin(PipelinePlugin(job.options.model, job.options.min_confidence))
        run = uuid.uuid4().hex[:8]
        outdir = str(job.outdir.resolve())
        futures = [
            client.submit(
                extract_partition, p, job.options, outdir, key=f"kg-part-{p.index:05d}-{run}", retries=RETRIES
            )
            for p in todo
        ]
        try:
            for future in as_completed(futures):
                part: PartDone = future.result()
                if part.error is not None:
                    raise InputError(*part.error)
                job.done[part.index] = part
                _write_manifest(job.outdir, job.key, job.parts, job.done)
                if on_part is not None:
                    on_part(part)
        finally:
            client.cancel(futures)
    return JobReport(len(job.parts), len(todo), [job.done[i] for i in sorted(job.done)])


def part_files(outdir: Path) -> list[Path]:
    """The finished parts of a job, in order (concatenated: single-process ``kg extract`` output)."""
    return sorted(outdir.glob("part-[0-9][0-9][0-9][0-9][0-9].jsonl.gz"))
