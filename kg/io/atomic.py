"""Every output file is written through here: a temporary file beside the target, then a rename.

A run killed halfway therefore leaves the previous output intact and no partial file behind
(os.replace is atomic on POSIX within one file system; the temporary file is removed on any
exception, including KeyboardInterrupt and the SystemExit our SIGTERM/SIGHUP handler raises).

What cannot be replaced by a rename is not: ``-`` is stdout; a FIFO or a character device
(``/dev/null``, ``/dev/stdout``, a terminal) is opened and written as a stream; a symlink is
followed and its target replaced; a directory, a socket, a block device or an empty name is
refused. A write that fails (a full disk) is an :class:`OutputError` naming the file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kg.errors import KgError

STDOUT = "<stdout>"


class OutputError(KgError):
    """An output that cannot be written: names the file and why (exit code 2)."""

    exit_code = 2

    def __init__(self, path: str, message: str):
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}")


def cannot_write(path: str, err: OSError) -> OutputError:
    return OutputError(path, f"cannot write ({err.strerror or err})")


@contextlib.contextmanager
def writing(path: str) -> Iterator[None]:
    """OSErrors of writes to an open file (no file name: ENOSPC, EIO, EFBIG…) as OutputErrors."""
    try:
        yield
    except OSError as err:
        if err.filename is not None:  # opening some other file (an input) failed: not ours to name
            raise
        raise cannot_write(path, err) from None


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8", newline: str | None = "\n"
) -> Iterator[IO]:
    name = os.fspath(path)
    binary = "b" in mode
    if name == "":
        raise OutputError("-o", "empty output file name (use - for stdout)")
    if name == "-":
        stream: IO = sys.stdout.buffer if binary else sys.stdout
        with writing(STDOUT):
            yield stream
            stream.flush()
        return
    target = Path(os.path.realpath(name))  # a symlink is written through, never replaced
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise cannot_write(name, err) from None
    if st is not None:
        kind = _refused(st.st_mode)
        if kind:
            raise OutputError(name, kind)
        if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
            with _stream(name, target, mode, binary, encoding, newline) as fh:
                yield fh
            return
    with _replace(name, target, mode, binary, encoding, newline) as fh:
        yield fh


def _refused(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "is a directory; give a file name"
    if stat.S_ISSOCK(mode):
        return "is a socket; cannot write a file there"
    if stat.S_ISBLK(mode):
        return "is a block device; refusing to write over it"
    return None


@contextlib.contextmanager
def _stream(
    name: str, target: Path, mode: str, binary: bool, encoding: str | None, newline: str | None
) -> Iterator[IO]:
    try:
        fh = open(target, mode, encoding=None if binary else encoding, newline=None if binary else newline)
    except OSError as err:
        raise cannot_write(name, err) from None
    with writing(name), fh:
        yield fh
        fh.flush()


@contextlib.contextmanager
def _replace(name: str, path: Path, mode: str, binary: bool, encoding: str | None, newline: str | None) -> Iterator[IO]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise cannot_write(name, err) from None
    try:
        with writing(name):
            with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else newline) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            # mkstemp creates 0600; give the file the mode a plain open() would have: an existing
            # file keeps its own mode, a new one gets 0666 minus the umask
            try:
                perms = stat.S_IMODE(os.stat(path).st_mode)
            except FileNotFoundError:
                umask = os.umask(0)
                os.umask(umask)
                perms = 0o666 & ~umask
            try:
                os.chmod(tmp, perms)
                os.replace(tmp, path)
            except OSError as err:
                raise cannot_write(name, err) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
