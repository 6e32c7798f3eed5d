"""Atomic outputs: a run killed halfway (SIGTERM, SIGINT) leaves the previous output file
byte-identical and no temporary file (.NAME.*.tmp) behind; a finished run replaces it whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.io.atomic import atomic_write

SAMPLES = Path(__file__).parents[1] / "examples" / "hf-papers"
PREVIOUS = b'{"previous": "output", "must": "survive"}\n'


@pytest.fixture(scope="module")
def big_input(tmp_path_factory) -> Path:
    """The sample listings repeated into one listing of ~11,000 papers (tens of seconds of work)."""
    d = tmp_path_factory.mktemp("big")
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))
    path = d / "big.txt"
    path.write_text("\n".join([text] * 20), encoding="utf-8")
    return path


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


KILLS = [(cmd, out, sig) for cmd, out in (("extract", "out.jsonl"), ("build", "graph.json"))
         for sig in (signal.SIGTERM, signal.SIGINT)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see the process working")
def test_killed_runs_leave_previous_output(big_input: Path, tmp_path: Path) -> None:
    """extract and build, each killed with SIGTERM and with SIGINT; the four runs go in parallel
    (each needs ~3 s of CPU before it is busy) to keep the test short on two cores."""
    runs = []
    for command, out_name, sig in KILLS:
        d = tmp_path / f"{command}-{sig.name}"
        d.mkdir()
        out = d / out_name
        out.write_bytes(PREVIOUS)
        proc = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", command, "--model",
                                 "none", "-q", str(big_input), "-o", str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if command == "extract":  # the temporary file exists while papers stream into it
            busy = lambda d=d, n=out_name: any(p.stat().st_size > 0 for p in d.glob(f".{n}.*.tmp"))
        else:  # build writes only at the end: kill it while extracting (start-up is ~2 s of CPU)
            busy = lambda pid=proc.pid: _cpu_seconds(pid) > 3.0
        runs.append((command, sig, d, out, proc, busy))
    try:
        pending = list(runs)
        deadline = time.monotonic() + 90
        while pending and time.monotonic() < deadline:
            for run in list(pending):
                command, sig, d, out, proc, busy = run
                assert proc.poll() is None, f"{command} finished before it could be killed: {proc.communicate()}"
                if busy():
                    proc.send_signal(sig)
                    pending.remove(run)
            time.sleep(0.05)
        assert not pending, "never got busy"
        for command, sig, d, out, proc, _ in runs:
            _, err = proc.communicate(timeout=30)
            what = f"{command} killed by {sig.name}"
            assert proc.returncode != 0, what
            assert "Traceback" not in err, (what, err)
            assert out.read_bytes() == PREVIOUS, what
            assert sorted(p.name for p in d.iterdir()) == [out.name], what
    finally:
        for *_, proc, _ in runs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_interrupted_writer_keeps_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "graph.json"
    out.write_bytes(PREVIOUS)
    for exc in (KeyboardInterrupt(), SystemExit(143), ValueError("bad record")):
        with pytest.raises(type(exc)):
            with atomic_write(out) as fh:
                fh.write('{"half": ')
                fh.flush()
                raise exc
        assert out.read_bytes() == PREVIOUS
        assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]


def test_finished_write_replaces_whole_file(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "out.jsonl"
    with atomic_write(out) as fh:
        fh.write("one\ntwo\n")
    assert out.read_bytes() == b"one\ntwo\n"
    with atomic_write(out, "wb") as fh:
        fh.write(b"\x00bin")
    assert out.read_bytes() == b"\x00bin"
    assert [p.name for p in out.parent.iterdir()] == ["out.jsonl"]


def test_output_permissions_follow_umask_not_mkstemp(tmp_path: Path) -> None:
    # mkstemp creates 0600 files; an output renamed from it was unreadable to group/others
    # (e.g. a web server serving graph.html). New files get 0666 & ~umask like open() would,
    # and a replaced file keeps its own mode.
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        with atomic_write(fresh) as fh:
            fh.write("{}")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.json"
        kept.write_text("old")
        kept.chmod(0o640)
        with atomic_write(kept) as fh:
            fh.write("new")
        assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text() == "new"
    finally:
        os.umask(old)
