"""Reading a file's text with errors a user can act on (binary, encoding, empty)."""

from __future__ import annotations

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


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
