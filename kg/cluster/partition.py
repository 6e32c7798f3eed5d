"""Inputs split into partitions a worker can read on its own: a whole file, or, for a large JSON
Lines file, a byte range that starts and ends at line starts.

The client scans a large JSONL once for its newlines (``bytes.count`` runs at disk speed) so that
every range knows the line number it starts on: a worker then reads only its range and still
names each record's true line, so the part files hold the lines single-process ``kg extract``
writes, source lines included.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.model import Paper
from kg.read import DEFAULT_MAX_CHARS, JSON_FORMATS, OnError, OnWarning, detect_format, read_file, within_length
from kg.read import jsonl as jsonl_reader
from kg.read.jsondoc import is_json_lines
from kg.read.text import GZIP_MAGIC, decode_line, read_head

# A partition this large holds ~2,000 abstracts: minutes of work for the default model, so a lost
# worker costs little, and few enough tasks that the scheduler's overhead is noise.
DEFAULT_PARTITION_BYTES = 4 << 20
_SCAN = 1 << 24  # bytes read at a time while counting lines


@dataclass(frozen=True)
class Partition:
    """One task's input: ``file`` as the user named it (records' source), ``location`` where a
    worker opens it, and the byte range ``[start, end)`` (``end`` None: the whole file).
    ``earlier_ids``: the ids of this range's records that a range before it in the same file
    holds, with the line they are first on (kg.cluster.job.check_ids), so that the reader treats
    a repeat as single-process ``kg extract`` does, which reads the file in one go."""

    index: int
    file: str
    location: str
    fmt: str
    start: int = 0
    end: int | None = None
    first_line: int = 1
    earlier_ids: dict[str, int] = field(default_factory=dict, hash=False)

    @property
    def name(self) -> str:
        return f"part-{self.index:05d}.jsonl.gz"


def plan(files: list[Path], fmt: str | None = None, target_bytes: int = DEFAULT_PARTITION_BYTES) -> list[Partition]:
    """Partitions of ``files`` in input order: concatenated, their records are the files' records."""
    parts: list[Partition] = []
    for path in files:
        if not path.is_file():
            raise InputError(str(path), None, "the cluster path reads files (not stdin or a pipe)")
        head = read_head(path)
        kind = fmt or detect_format(path, head)
        location = str(path.resolve())
        size = path.stat().st_size
        if size <= target_bytes or not _splittable(path, kind, head):
            parts.append(Partition(len(parts), str(path), location, kind))
            continue
        for start, end, line in line_ranges(path, target_bytes):
            parts.append(Partition(len(parts), str(path), location, kind, start, end, line))
    return parts


def _splittable(path: Path, fmt: str, head: str) -> bool:
    """JSON Lines as they are on disk (a gzip stream has no line starts to seek to)."""
    with path.open("rb") as fh:
        compressed = fh.read(2) == GZIP_MAGIC
    return not compressed and fmt in JSON_FORMATS and is_json_lines(head)


def line_ranges(path: Path, target_bytes: int) -> Iterator[tuple[int, int, int]]:
    """``(start, end, first line)`` of consecutive ranges of about ``target_bytes``, each cut just
    after a newline, covering the file."""
    start, start_line, want = 0, 1, target_bytes
    offset, line = 0, 1  # where the block starts; the line number at ``offset + pos``
    with path.open("rb") as fh:
        while block := fh.read(_SCAN):
            pos = 0
            while offset + len(block) > want:
                nl = block.find(b"\n", max(want - offset, pos))
                if nl < 0:
                    break
                line += block.count(b"\n", pos, nl + 1)
                pos = nl + 1
                yield start, offset + pos, start_line
                start, start_line, want = offset + pos, line, offset + pos + target_bytes
            line += block.count(b"\n", pos)
            offset += len(block)
    if start < offset:
        yield start, offset, start_line


def read_partition(
    part: Partition,
    on_error: OnError | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    on_warning: OnWarning | None = None,
    seen: dict[str, int] | None = None,
) -> Iterator[Paper]:
    """The papers of one partition, as ``kg extract`` reads them from the whole input. A byte
    range's paper ids, with their first lines, go into ``seen`` (default: a copy of the
    partition's ``earlier_ids``), which a repeat is checked against."""
    try:
        if part.end is None:
            papers = _as_named(read_file(_where(part), part.fmt, on_error, on_warning), part)
        else:
            records = jsonl_reader.line_records(_range_lines(part), part.file)
            seen = dict(part.earlier_ids) if seen is None else seen
            papers = jsonl_reader.papers(records, part.file, on_error, part.fmt, on_warning, seen)
        yield from within_length(papers, max_chars, on_error)
    except InputError as err:
        if on_error is None:
            raise
        on_error(err)


def _where(part: Partition) -> Path:
    """The file by the name the user gave when this worker sees it there (a worker started in the
    client's directory), else by its absolute path."""
    named = Path(part.file)
    return named if str(named.resolve()) == part.location else Path(part.location)


def _as_named(papers: Iterator[Paper], part: Partition) -> Iterator[Paper]:
    for p in papers:
        if p.source is not None and p.source.file != part.file:
            p = p.model_copy(update={"source": p.source.model_copy(update={"file": part.file})})
        yield p


def _range_lines(part: Partition) -> Iterator[tuple[int, str]]:
    """Numbered lines of the range, split and decoded as kg.read.text.stream_lines does."""
    with open(part.location, "rb") as fh:
        fh.seek(part.start)
        left = None if part.end is None else part.end - part.start
        number = part.first_line
        while left is None or left > 0:
            raw = fh.readline()
            if not raw:
                break
            if left is not None:
                left -= len(raw)
            yield number, decode_line(part.file, number, raw)
            number += 1
