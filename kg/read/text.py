"""Reading a file's text with errors a user can act on (binary, encoding, empty)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(str(path), None, f"cannot read file: {err.strerror}") from None
    if not data.strip():
        raise InputError(str(path), None, "file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(str(path), None, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(str(path), line,
                         f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})") from None


HEAD_BYTES = 65536


def read_head(path: Path) -> str:
    """The start of a file, checked like :func:`read_text`, for format detection without
    reading a large file whole."""
    try:
        with path.open("rb") as fh:
            data = fh.read(HEAD_BYTES)
    except OSError as err:
        raise InputError(str(path), None, f"cannot read file: {err.strerror}") from None
    if len(data) < HEAD_BYTES or not data.strip():
        return read_text(path)  # small (or blank at the start): the whole-file checks apply
    if b"\x00" in data[:8192]:
        raise InputError(str(path), None, "binary file, not text")
    return data.decode("utf-8-sig", errors="ignore")


def stream_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, split at "\n" only (U+2028 and friends are legal
    inside JSON strings), decoded one at a time so memory does not grow with the file."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                yield number, raw.decode("utf-8").rstrip("\n")
            except UnicodeDecodeError as err:
                raise InputError(str(path), number,
                                 f"not UTF-8 text (byte 0x{raw[err.start]:02x} at column {err.start + 1})") from None


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
