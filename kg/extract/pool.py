"""A small fixed pool of extraction processes, with a clean stop.

Why not ``multiprocessing.Pool``: a run stopped by SIGTERM or Ctrl-C must exit at once, with no
traceback and no process left behind. ``Pool.terminate()`` races its own handler threads (a
worker being replaced while the pool goes down) and now and then hung or printed a fork-server
traceback. Here the parent has no threads: it talks to each worker over its own pipe, keeps
``IN_FLIGHT`` batches queued per worker (so a worker never waits for its next batch), and on any
exit from the generator kills and reaps every worker.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from kg.model import Paper

# What a worker runs: built once in the worker by calling the (picklable) factory it was given,
# e.g. kg.extract.stream.ExtractorFactory. A factory's ``preload`` attribute names the module the
# fork server imports once for all workers (default: the factory's own module).
BatchRunner = Callable[[list[Paper]], list[Any]]

_STOP = None
IN_FLIGHT = 2  # batches sent ahead per worker: one running, one waiting


def _context(preload: str):
    # Not "fork": forking a process whose BLAS or driver threads hold a lock deadlocks the child
    # (seen here under pytest). A fork server forks from a clean process with the factory's
    # module preloaded.
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload([preload])
        return ctx
    return mp.get_context("spawn")


_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """The workers already share the cores: one BLAS thread each. OpenBLAS reads this when the
    fork server imports numpy, so it is set while the fork server starts, and the caller's own
    setting is left as it was. (A threadpoolctl limit in each worker left OpenBLAS a second
    thread and gained nothing; this took the fast model 3 % less wall time on 2,000 papers:
    farm-bench's paired median 0.967.)"""
    saved = {k: os.environ.get(k) for k in _BLAS_THREADS}
    for k in _BLAS_THREADS:
        os.environ.setdefault(k, "1")
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _serve(conn: Connection, factory: Callable[[], BatchRunner]) -> None:
    # The parent owns interruption: on Ctrl-C (sent to the whole process group) it kills us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    tasks: queue.SimpleQueue = queue.SimpleQueue()

    def read_tasks() -> None:
        # Always draining the pipe is what lets the parent send the next batch while this one
        # runs (a worker that only read between batches would leave the parent blocked in send
        # while it blocks sending its result: a deadlock).
        try:
            while (task := conn.recv()) is not _STOP:
                tasks.put(task)
        except (EOFError, OSError):  # the parent has gone
            pass
        tasks.put(_STOP)

    try:
        run = factory()
        conn.send(("ready", None))
        threading.Thread(target=read_tasks, daemon=True).start()
        while (task := tasks.get()) is not _STOP:
            seq, batch = task
            conn.send((seq, run(batch)))
    except (EOFError, BrokenPipeError):  # the parent has gone
        return
    except BaseException:  # noqa: BLE001 (reported to the parent, which raises it)
        try:
            conn.send(("error", traceback.format_exc()))
        except OSError:
            pass


class WorkerError(RuntimeError):
    """A worker process failed; carries the worker's own traceback text."""


class WorkerPool:
    """``workers`` processes, each running what ``factory()`` built there (a pipeline loaded once).

    Use as a context manager; ``map`` yields each batch's output in input order."""

    def __init__(self, workers: int, factory: Callable[[], BatchRunner]):
        self._ctx = _context(getattr(factory, "preload", type(factory).__module__))
        self._procs: list = []
        self._conns: list[Connection] = []
        try:
            with _one_blas_thread():
                for _ in range(workers):
                    parent, child = self._ctx.Pipe(duplex=True)
                    proc = self._ctx.Process(target=_serve, args=(child, factory), daemon=True, name="kg-extract")
                    self._conns.append(parent)
                    proc.start()
                    self._procs.append(proc)
                    child.close()
        except BaseException:
            self.close(kill=True)
            raise
        self._ready = False

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._procs]

    def _recv(self, conn: Connection):
        try:
            msg = conn.recv()
        except EOFError:
            proc = self._procs[self._conns.index(conn)]
            proc.join(timeout=1)
            raise WorkerError(f"an extraction worker died (exit code {proc.exitcode})") from None
        if msg[0] == "error":
            raise WorkerError(f"an extraction worker failed:\n{msg[1]}")
        return msg

    def wait_ready(self) -> None:
        """Block until every worker has loaded its pipeline (start-up is then over)."""
        if not self._ready:
            for conn in self._conns:
                self._recv(conn)
            self._ready = True

    def map(self, batches: Iterable[list[Paper]]) -> Iterator[list[Any]]:
        self.wait_ready()
        it = enumerate(batches)
        load = {conn: 0 for conn in self._conns}  # batches sent and not yet returned
        done: dict[int, list[Any]] = {}
        next_out, exhausted = 0, False
        while True:
            for conn in self._conns:  # top every worker up, round robin
                while not exhausted and load[conn] < IN_FLIGHT:
                    task = next(it, None)
                    if task is None:
                        exhausted = True
                        break
                    conn.send(task)
                    load[conn] += 1
            busy = [conn for conn in self._conns if load[conn]]
            if not busy:
                break
            # wait() returns a sublist of busy; typeshed types it as any waitable
            for conn in cast(list[Connection], wait(busy)):
                seq, out = self._recv(conn)
                load[conn] -= 1
                done[seq] = out
            while next_out in done:  # a few results per worker at most wait here
                yield done.pop(next_out)
                next_out += 1

    def close(self, kill: bool = False) -> None:
        """Stop the workers: politely after a finished run, with SIGKILL on any other exit
        (a worker may be mid-batch, and nothing it would still produce is wanted)."""
        for conn in self._conns:
            if not kill:
                try:
                    conn.send(_STOP)
                except OSError:
                    kill = True
        for proc in self._procs:
            if kill:
                proc.kill()
            proc.join(timeout=None if kill else 10)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for conn in self._conns:
            conn.close()
        self._procs, self._conns = [], []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(kill=exc_type is not None)
