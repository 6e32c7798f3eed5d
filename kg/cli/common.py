"""What every ``kg`` command shares: errors as one line, progress on a terminal, registry choices."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from kg.errors import KgError


def as_click(err: KgError) -> click.ClickException:
    """A KgError as click shows it: ``Error: <message>`` on stderr, exit with the error's code."""
    exc = click.ClickException(str(err))
    exc.exit_code = err.exit_code
    return exc


class KgCommand(click.Command):
    """A command whose KgErrors end it as one line and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as err:
            raise as_click(err) from None


class LazyChoice(click.Choice):
    """A Choice read from a registry only when click needs it (help text, a given value).

    The registries live beside the readers and graph formats; importing those costs up to a
    second (pydantic, networkx), which every command, ``kg --help`` included, would otherwise pay.
    """

    def __init__(self, load: Callable[[], Iterable[str]]):
        self._load = load
        self._choices: tuple[str, ...] | None = None
        self.case_sensitive = True

    @property  # type: ignore[override]  # click declares a plain attribute
    def choices(self) -> tuple[str, ...]:
        if self._choices is None:
            self._choices = tuple(self._load())
        return self._choices


def on_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def progress(total: int, label: str, unit: str, shown: bool = True) -> Iterator[Callable[[int], None]]:
    """A bar with ``unit``/s, position and ETA on stderr; ``advance(n)`` moves it. Nothing at all
    unless ``shown`` and stderr is a terminal, so logs and pipes stay clean."""
    if not (shown and on_terminal()):
        yield lambda n: None
        return
    started = time.perf_counter()
    done = 0

    def rate(_: Any) -> str:
        return f"{done / max(time.perf_counter() - started, 1e-9):,.0f} {unit}/s"

    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True,
                           item_show_func=rate) as bar:
        def advance(n: int) -> None:
            nonlocal done
            done += n
            bar.update(n, done)
        yield advance


def summary(quiet: bool, verb: str, counts: dict[str, int], started: float) -> None:
    """``kg: built 548 papers, 3,228 nodes, 5,905 edges in 12.3 s`` on stderr, unless quiet."""
    if not quiet:
        parts = ", ".join(f"{v:,} {k}" for k, v in counts.items())
        click.echo(f"kg: {verb} {parts} in {time.perf_counter() - started:.1f} s", err=True)
