"""Errors a user can act on. The CLI turns each into one line and an exit code, never a traceback."""

from __future__ import annotations


class KgError(Exception):
    """Base class: the message is a sentence for the user."""

    exit_code = 1


class InputError(KgError):
    """Bad input: names the file and line and what is wrong (exit code 2)."""

    exit_code = 2

    def __init__(self, file: str, line: int | None, message: str):
        self.file, self.line, self.message = str(file), line, message
        where = f"{self.file}:{line}" if line else self.file
        super().__init__(f"{where}: {message}")


class UsageError(KgError):
    exit_code = 2


class StoreError(KgError):
    """The graph store (Neo4j) is unreachable, refused us or failed (exit code 3)."""

    exit_code = 3


class NotFoundError(KgError, LookupError):
    """Nothing in the graph answers to what was asked for (a node or edge name; exit code 1)."""
