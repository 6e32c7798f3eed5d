"""Reading a file's text with errors a user can act on (binary, encoding, empty), gzip
(recognised by its magic bytes, whatever the name) decompressed on the way."""

from __future__ import annotations

import gzip
import io
import stat
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError

STDIN = "-"
_STREAMS: dict[str, bytes] = {}  # stdin and FIFOs can be read once: what they gave, by path


def is_stream(path: Path) -> bool:
    """``-`` (stdin), a FIFO or a character device: read once, as a stream, never by seeking."""
    if str(path) == STDIN:
        return True
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def display_name(path: Path) -> str:
    return "<stdin>" if str(path) == STDIN else str(path)


GZIP_MAGIC = b"\x1f\x8b"
# what a damaged .gz raises: a bad header, a cut-off stream, a bad checksum or deflate data
_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)
# A gzip input is read to at most GZIP_MAX_RATIO times its own size (never less than
# GZIP_MIN_LIMIT bytes). Why: deflate expands up to ~1,000 times, so a small crafted .gz (a "gzip
# bomb") would otherwise be read to its end: gigabytes in memory where a whole file is read,
# minutes of decompression where its lines are streamed. Real inputs compress 3-6 times (gzip -9:
# the samples as JSONL 3.1, kg extract output 5.9, a node-link graph 6.0), so 100 refuses none of
# them, and it scales with the file where a fixed size would refuse a large genuine corpus. A
# genuine file past it can be gunzipped first: an uncompressed input has no such cap.
GZIP_MAX_RATIO = 100
GZIP_MIN_LIMIT = 64 << 20


def gzip_limit(compressed: int) -> int:
    """How many bytes a .gz of ``compressed`` bytes may decompress to."""
    return max(GZIP_MIN_LIMIT, GZIP_MAX_RATIO * compressed)


def _too_large(name: str, compressed: int) -> InputError:
    return InputError(
        name,
        None,
        f"gzip data expands to more than {gzip_limit(compressed):,} bytes, the most a {compressed:,}-byte "
        f".gz may give ({GZIP_MAX_RATIO} times its size, at least {GZIP_MIN_LIMIT:,}): refused as a "
        "likely gzip bomb; if it is genuine, gunzip it and give the uncompressed file",
    )


def _read_bytes(path: Path) -> bytes:
    if not is_stream(path):
        return path.read_bytes()
    key = str(path)
    if key not in _STREAMS:  # a second pass (the progress bar's count) sees the same bytes
        _STREAMS[key] = sys.stdin.buffer.read() if key == STDIN else path.read_bytes()
    return _STREAMS[key]


def gunzip(data: bytes, name: str) -> bytes:
    """``data`` decompressed when it starts with the gzip magic bytes, else as it is."""
    if not data.startswith(GZIP_MAGIC):
        return data
    limit = gzip_limit(len(data))
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            out = gz.read(limit + 1)  # one byte past the limit shows it was passed
    except _GZIP_ERRORS as err:
        raise InputError(name, None, f"damaged gzip file ({err})") from None
    if len(out) > limit:
        raise _too_large(name, len(data))
    return out


def read_text(path: Path) -> str:
    name = display_name(path)
    try:
        data = _read_bytes(path)
    except OSError as err:
        raise InputError(name, None, f"cannot read file: {err.strerror}") from None
    return decode(gunzip(data, name), name)


def decode(data: bytes, name: str) -> str:
    """A whole file's bytes as text, or an error naming ``name``: empty, binary, not UTF-8."""
    if not data.strip():
        raise InputError(name, None, "file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(name, None, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(name, line, f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})") from None


HEAD_BYTES = 65536


def read_head(path: Path) -> str:
    """The start of a file, checked like :func:`read_text`, for format detection without
    reading a large file whole."""
    if is_stream(path):
        return read_text(path)
    try:
        with open_binary(path) as fh:
            data = fh.read(HEAD_BYTES)
    except _GZIP_ERRORS as err:  # before OSError: BadGzipFile is one
        raise InputError(str(path), None, f"damaged gzip file ({err})") from None
    except OSError as err:
        raise InputError(str(path), None, f"cannot read file: {err.strerror}") from None
    if len(data) < HEAD_BYTES or not data.strip():
        return read_text(path)  # small (or blank at the start): the whole-file checks apply
    if b"\x00" in data[:8192]:
        raise InputError(str(path), None, "binary file, not text")
    return data.decode("utf-8-sig", errors="ignore")


def open_binary(path: Path) -> BinaryIO:
    """A file opened for reading, decompressed as it is read when it is gzip (no further than
    :func:`gzip_limit`: an InputError past it)."""
    with path.open("rb") as fh:
        magic = fh.read(2)
    return _CappedGzip(path) if magic == GZIP_MAGIC else path.open("rb")  # type: ignore[return-value]


class _CappedGzip(gzip.GzipFile):
    """A .gz file whose reads (lines, blocks, a text wrapper's chunks) stop at its limit."""

    def __init__(self, path: Path):
        super().__init__(path, "rb")
        self._path, self._size, self._given = str(path), path.stat().st_size, 0

    def _ask(self, size: int | None) -> int:
        left = gzip_limit(self._size) + 1 - self._given  # one byte past the limit shows it was passed
        return left if size is None or size < 0 else min(size, left)

    def _count(self, data: bytes) -> bytes:
        self._given += len(data)
        if self._given > gzip_limit(self._size):
            raise _too_large(self._path, self._size)
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._count(super().read(self._ask(size)))

    def read1(self, size: int = -1) -> bytes:
        return self._count(super().read1(self._ask(size)))

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(super().readline(self._ask(size)))


def decode_line(file: str, number: int, raw: bytes) -> str:
    """One line of a JSON Lines file as text: a BOM dropped on line 1, the newline cut, and bytes
    that are not UTF-8 an InputError naming the file, line and column."""
    if number == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8").rstrip("\n")
    except UnicodeDecodeError as err:
        raise InputError(
            file, number, f"not UTF-8 text (byte 0x{raw[err.start]:02x} at column {err.start + 1})"
        ) from None


def stream_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, split at "\n" only (U+2028 and friends are legal
    inside JSON strings), decoded one at a time so memory does not grow with the file."""
    number = 0
    try:
        with open_binary(path) as fh:
            for number, raw in enumerate(fh, start=1):
                yield number, decode_line(str(path), number, raw)
    except _GZIP_ERRORS as err:
        raise InputError(str(path), number + 1, f"damaged gzip file ({err})") from None


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class LineCounter:
    """Line numbers of (mostly) increasing offsets in one text, counted on from the last one:
    :func:`line_of` for every record made reading a 10,000-record array or feed quadratic."""

    def __init__(self, text: str):
        self.text, self.offset, self.line = text, 0, 1

    def __call__(self, offset: int) -> int:
        if offset < self.offset:  # rare (an error behind the last record): count from the start
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line
