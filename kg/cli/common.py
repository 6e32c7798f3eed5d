"""What every ``kg`` command shares: errors as one line, progress on a terminal, registry choices."""

from __future__ import annotations

import io
import os
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from kg.errors import KgError
from kg.io.atomic import STDOUT, OutputError, writing

# C0 and C1 controls but tab and newline, and the bidirectional overrides: a name from the input
# must not move the cursor, retitle the terminal (ESC/OSC sequences) or reorder what is shown.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), safe to print on a terminal."""
    return _CONTROL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


def as_click(err: KgError) -> click.ClickException:
    """A KgError as click shows it: ``Error: <message>`` on stderr, exit with the error's code."""
    cls = type("KgClickException", (click.ClickException,), {"exit_code": err.exit_code})
    return cls(printable(str(err)))


class KgCommand(click.Command):
    """A command whose KgErrors end it as one line and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as err:
            if isinstance(err, OutputError) and err.path == STDOUT:
                discard_stdout()
            raise as_click(err) from None
        except RuntimeError as err:
            if type(err).__name__ != "WorkerError":  # kg.extract.pool's, not imported at start-up
                raise
            raise as_click(WorkerFailed(str(err).splitlines()[0].rstrip(":"))) from None


class WorkerFailed(KgError):
    """An extraction worker died (killed, out of memory) or failed: exit code 2, one line."""

    exit_code = 2


def echo(text: str, *, raw: bool = False) -> None:
    """``text`` and a newline on stdout, control characters escaped unless ``raw`` (JSON, which
    escapes its own); a failed write (a full disk) is an OutputError."""
    with writing(STDOUT):
        click.echo(text if raw else printable(text))


def discard_stdout() -> None:
    """After stdout failed: point it at /dev/null so the interpreter's last flush cannot fail again
    and print a second error."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):  # not a real file (tests)
        pass


class LazyChoice(click.Choice):
    """A Choice read from a registry only when click needs it (help text, a given value).

    The registries live beside the readers and graph formats; importing those costs up to a
    second (pydantic, networkx), which every command, ``kg --help`` included, would otherwise pay.
    """

    def __init__(self, load: Callable[[], Iterable[str]]):
        self._load = load
        self._choices: tuple[str, ...] | None = None
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]  # click declares a plain attribute
        if self._choices is None:
            self._choices = tuple(self._load())
        return self._choices


def on_terminal() -> bool:
    return sys.stderr.isatty()


class Rate:
    """Progress speed from the last ``WINDOW`` seconds, not from the start: the first batch comes
    after model loading and worker start-up, which an average since the start spreads over the
    whole run (an ETA of 38 minutes for an 11 s run). Nothing is claimed before ``MIN_SPAN``
    seconds and three updates since the first."""

    WINDOW = 15.0
    MIN_SPAN = 2.0

    def __init__(self, total: int, now: Callable[[], float] = time.monotonic):
        self.total, self.done, self._now = total, 0, now
        self._samples: deque[tuple[float, int]] = deque()

    def advance(self, n: int) -> None:
        self.done += n
        t = self._now()
        self._samples.append((t, self.done))
        while len(self._samples) > 2 and t - self._samples[1][0] >= self.WINDOW:
            self._samples.popleft()

    def per_second(self) -> float | None:
        if len(self._samples) < 3:
            return None
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 - t0 >= self.MIN_SPAN else None

    def eta(self) -> float | None:
        """Seconds left at the recent rate; None until that rate means something."""
        rate = self.per_second()
        return max(self.total - self.done, 0) / rate if rate else None


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds + 0.5), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


@contextmanager
def progress(total: int, label: str, unit: str, shown: bool = True) -> Iterator[Callable[[int], None]]:
    """A bar with position, ``unit``/s and ETA on stderr (both from the recent rate, see
    :class:`Rate`); ``advance(n)`` moves it. Nothing at all unless ``shown`` and stderr is a
    terminal, so logs and pipes stay clean."""
    if not (shown and on_terminal()):
        yield lambda n: None
        return
    rate = Rate(total)
    last = [0.0]
    width = len(f"{total:,}")

    def draw(force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - last[0] < 0.2:
            return
        last[0] = now
        frac = min(rate.done / total, 1.0) if total else 1.0
        bar = "#" * int(frac * 24)
        speed, eta = rate.per_second(), rate.eta()
        line = f"{label}  [{bar:<24}]  {rate.done:>{width},}/{total:,}  {frac:4.0%}"
        if speed is not None:
            line += f"  {speed:,.0f} {unit}/s"
        if eta is not None and rate.done < total:
            line += f"  ETA {_clock(eta)}"
        sys.stderr.write("\r" + line + "\x1b[K")
        sys.stderr.flush()

    def advance(n: int) -> None:
        rate.advance(n)
        draw()

    draw(force=True)
    try:
        yield advance
    finally:
        draw(force=True)
        sys.stderr.write("\n")
        sys.stderr.flush()


def plural(n: int, noun: str) -> str:
    """``1 paper``, ``2 papers``, ``1 entity``, ``3 entities`` (nouns ending in a consonant + y)."""
    if n == 1:
        if noun.endswith("ies"):
            return f"1 {noun[:-3]}y"
        return f"1 {noun[:-1]}" if noun.endswith("s") and not noun.endswith("ss") else f"1 {noun}"
    return f"{n:,} {noun}"


def summary(quiet: bool, verb: str, counts: dict[str, int], started: float) -> None:
    """``kg: built 548 papers, 3,228 nodes, 5,905 edges in 12.3 s`` on stderr, unless quiet."""
    if not quiet:
        parts = ", ".join(_count(v, k) for k, v in counts.items())
        click.echo(f"kg: {verb} {parts} in {time.perf_counter() - started:.1f} s", err=True)


def _count(n: int, what: str) -> str:
    """``1 paper``; ``1 new paper extracted`` (the noun is the first word that ends in s)."""
    if n != 1:
        return f"{n:,} {what}"
    words = what.split(" ")
    for i, w in enumerate(words):
        if w.endswith("s") and not w.endswith("ss"):
            words[i] = plural(1, w)[2:]
            break
    return "1 " + " ".join(words)


class Confidence(click.ParamType):
    """A number from 0 to 1; nan (which every range check lets through) is refused."""

    name = "float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            x = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not 0.0 <= x <= 1.0:  # false for nan
            self.fail(f"{value!r} is not a number from 0 to 1", param, ctx)
        return x
