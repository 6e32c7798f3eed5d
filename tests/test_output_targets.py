"""Where ``-o`` points (issue 18, items 6, 11, 13): ``-`` is stdout; a FIFO or a device is written
as a stream, never renamed over; a symlink is written through; a directory, a socket, a block
device or an empty name is refused in one line; a full disk or a full stdout is one line and
exit 2; SIGHUP leaves no temporary file."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.io.atomic import OutputError, atomic_write

GRAPH = {"directed": True, "multigraph": True, "graph": {}, "edges": [],
         "nodes": [{"id": "Paper:p1", "type": "Paper", "key": "p1", "name": "T", "title": "T", "sources": []}]}
KG = [sys.executable, "-c", "from kg.cli import main; main()"]


@pytest.fixture()
def graph(tmp_path: Path) -> Path:
    path = tmp_path / "g.json"
    path.write_text(json.dumps(GRAPH), encoding="utf-8")
    return path


def test_dash_is_stdout_for_every_writer(graph: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["render", str(graph), "-o", "-"])
    assert r.exit_code == 0, r.output
    assert "<!DOCTYPE html>" in r.output or "<html" in r.output
    with atomic_write("-") as fh:
        fh.write("")
    assert not (tmp_path / "-").exists()


def test_a_fifo_is_written_as_a_stream(graph: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    with atomic_write(fifo) as fh:
        fh.write("hello\n")
    reader.join(10)
    assert got == [b"hello\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.fifo"] or set(p.name for p in tmp_path.iterdir()) == {
        "out.fifo", "g.json"}


def test_a_character_device_is_written_not_replaced(tmp_path: Path) -> None:
    with atomic_write("/dev/null") as fh:
        fh.write("x" * 1000)
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    target = tmp_path / "real" / "g.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with atomic_write(link) as fh:
        fh.write("new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize("kind", ["directory", "socket", "empty"])
def test_what_cannot_be_written_is_refused(kind: str, tmp_path: Path) -> None:
    if kind == "directory":
        path = str(tmp_path)
    elif kind == "socket":
        path = str(tmp_path / "s.sock")
        s = socket.socket(socket.AF_UNIX)
        s.bind(path)
    else:
        path = ""
    with pytest.raises(OutputError) as err:
        with atomic_write(path) as fh:
            fh.write("x")
    assert err.value.exit_code == 2
    assert str(err.value).startswith(f"{path or '-o'}: ")


def test_empty_output_name_on_the_command_line(graph: Path) -> None:
    r = CliRunner().invoke(cli, ["render", str(graph), "-o", ""])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


def test_disk_full_is_one_line_and_leaves_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "g.json"
    out.write_text("previous", encoding="utf-8")
    with pytest.raises(OutputError, match="No space left on device"):
        with atomic_write(out) as fh:
            fh.write("new")
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_dev_full_as_output_and_as_stdout(graph: Path) -> None:
    r = subprocess.run([*KG, "render", str(graph), "-o", "/dev/full"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == "Error: /dev/full: cannot write (No space left on device)"
    with open("/dev/full", "w") as full:
        r = subprocess.run([*KG, "stats", str(graph)], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == "Error: <stdout>: cannot write (No space left on device)"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_sighup_leaves_no_temporary_file(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"p{i}", "title": f"Paper {i}", "abstract": "We use CLIP on COCO. " * 20})
                           + "\n" for i in range(20000)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    # a terminal's default disposition, whatever the runner's: under `nohup` (SIGHUP ignored) kg
    # keeps it ignored, by design, and the run would simply go on
    proc = subprocess.Popen([*KG, "extract", "-q", "--model", "none", "--workers", "1", str(src), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.stat().st_size > 0 for p in tmp_path.glob(".out.jsonl.*.tmp")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGHUP)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGHUP, err
    assert "Traceback" not in err
    assert not list(tmp_path.glob(".out.jsonl.*.tmp"))
