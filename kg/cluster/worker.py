"""What runs on a Dask worker: the pipeline loaded once per worker, and one partition → one part.

The pipeline takes seconds to load and is not safe to share between threads, so a worker process
keeps a small pool of loaded Extractors: :class:`PipelinePlugin` loads the first when the worker
joins (before any task waits for it), and a worker started with more threads than one loads one
more per thread that runs at the same time. Each runs its model on one core (the span model's
ONNX session is single-threaded), so ``dask worker --nworkers N --nthreads 1`` runs one model
per core.

A task writes its part through a temporary file and a rename: a worker killed mid-part leaves no
part behind, and the task Dask runs again elsewhere writes the whole of it.
"""

from __future__ import annotations

import gzip
import hashlib
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.cluster.partition import Partition, read_partition
from kg.errors import InputError
from kg.io.atomic import atomic_write

try:  # only the plugin needs distributed; the task function runs without it (tests, one process)
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - the CLI refuses --cluster without the extra
    WorkerPlugin = object  # type: ignore[misc,assignment]


@dataclass(frozen=True)
class JobOptions:
    """What every partition of a job is extracted with; part of the manifest (a rerun with other
    options must not mix its parts with these)."""

    model: str | None = "default"
    min_confidence: float | None = None
    max_chars: int | None = None
    skip_invalid: bool = False
    batch_size: int = 64


@dataclass
class PartDone:
    """A finished part, as the manifest records it; ``error`` is the first bad record of a job run
    without --skip-invalid (the client raises it), ``warnings`` the records skipped with it."""

    index: int
    papers: int = 0
    entities: int = 0
    relations: int = 0
    sha256: str = ""  # of the uncompressed lines: the same text whatever gzip makes of it
    bytes: int = 0
    warnings: list[str] = field(default_factory=list)
    error: tuple[str, int | None, str] | None = None


@dataclass
class RangeIds:
    """A byte range's paper ids with the line each is first on, read up to its first bad record
    (``error``, as in PartDone) unless the job skips bad records."""

    index: int
    ids: dict[str, int] = field(default_factory=dict)
    error: tuple[str, int | None, str] | None = None


def read_ids(part: Partition, options: JobOptions) -> RangeIds:
    """The ids of a byte range, read (not extracted) as its extraction will read it."""
    found = RangeIds(part.index)
    on_error = (lambda err: None) if options.skip_invalid else None
    try:
        for _ in read_partition(part, on_error, options.max_chars, None, found.ids):
            pass
    except InputError as err:
        found.error = (err.file, err.line, err.message)
    return found


_POOLS: dict[tuple[str | None, float | None], queue.SimpleQueue] = {}
_POOLS_LOCK = threading.Lock()


def _build(model: str | None, min_confidence: float | None):
    from kg.extract.run import Extractor

    return Extractor(model) if min_confidence is None else Extractor(model, min_confidence=min_confidence)


def _pool(model: str | None, min_confidence: float | None) -> queue.SimpleQueue:
    with _POOLS_LOCK:
        return _POOLS.setdefault((model, min_confidence), queue.SimpleQueue())


@contextmanager
def extractor(model: str | None, min_confidence: float | None) -> Iterator:
    """A loaded Extractor for this thread's task, returned to the worker's pool afterwards."""
    idle = _pool(model, min_confidence)
    try:
        ex = idle.get_nowait()
    except queue.Empty:
        ex = _build(model, min_confidence)
    try:
        yield ex
    finally:
        idle.put(ex)


def preload(model: str | None, min_confidence: float | None) -> None:
    idle = _pool(model, min_confidence)
    if idle.empty():
        idle.put(_build(model, min_confidence))


class PipelinePlugin(WorkerPlugin):
    """Loads the pipeline when a worker starts (or joins later), so tasks find it ready."""

    name = "kg-pipeline"

    def __init__(self, model: str | None, min_confidence: float | None):
        self.model, self.min_confidence = model, min_confidence

    def setup(self, worker) -> None:  # noqa: ANN001 (distributed.Worker, imported lazily)
        preload(self.model, self.min_confidence)


def extract_partition(part: Partition, options: JobOptions, outdir: str) -> PartDone:
    """Extract one partition into ``outdir/part-NNNNN.jsonl.gz`` (written atomically)."""
    from kg.extract.stream import to_line

    done = PartDone(part.index)
    on_error = (lambda err: done.warnings.append(f"{err} (skipped)")) if options.skip_invalid else None
    digest = hashlib.sha256()
    target = Path(outdir) / part.name
    try:
        with extractor(options.model, options.min_confidence) as ex:
            papers = read_partition(part, on_error, options.max_chars, done.warnings.append)
            with atomic_write(target, "wb", encoding=None, newline=None) as raw:
                # mtime 0 and no name: the same lines always make the same bytes
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=5) as gz:
                    for ex_ in ex.extract(papers, batch_size=options.batch_size):
                        line = to_line(ex_)
                        data = (line.json + "\n").encode("utf-8")
                        gz.write(data)
                        digest.update(data)
                        done.papers += 1
                        done.entities += line.entities
                        done.relations += line.relations
                        done.bytes += len(data)
    except InputError as err:
        # returned, not raised: Dask would retry a task that raises, and bad input stays bad
        return PartDone(part.index, error=(err.file, err.line, err.message))
    done.sha256 = digest.hexdigest()
    return done
