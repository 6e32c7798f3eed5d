"""The Makefile's promises (issue 18, item 16), checked with ``make -n`` against a venv path that
does not exist: ``make demo`` installs only the runtime lock, and never pip-installs anything into
the system Python (Debian's is externally managed); ``make test`` still installs the full lock;
``make bench`` runs the quick benchmarks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def dry_run(target: str, tmp_path: Path, path_env: str | None = None) -> str:
    env = {**os.environ, "MAKEFLAGS": ""}
    if path_env is not None:
        env["PATH"] = path_env
    r = subprocess.run(["make", "-n", "-C", str(ROOT), target, f"VENV={tmp_path / 'venv'}"], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("uv_on_path", [True, False])
def test_demo_installs_the_runtime_lock_only_and_nothing_into_the_system_python(uv_on_path, tmp_path) -> None:
    path = None
    if not uv_on_path:  # a PATH with make and python3 but no uv
        bindir = tmp_path / "bin"
        bindir.mkdir()
        for tool in ("make", "python3", "sh", "cat", "sha1sum", "cut", "test"):
            found = shutil.which(tool)
            if found:
                (bindir / tool).symlink_to(found)
        path = str(bindir)
    out = dry_run("demo", tmp_path, path)
    assert "requirements-runtime.lock" in out
    assert "requirements.lock" not in out.replace("requirements-runtime.lock", "")
    for line in out.splitlines():
        assert not re.search(r"(^|\s)(python3?|\$\(PYTHON\)) -m pip install", line), line
        assert "--break-system-packages" not in line and "pip install --user" not in line
    assert "kg extract" in out and "kg render" in out


def test_runtime_lock_pins_what_the_full_lock_pins() -> None:
    full = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements.lock").read_text(), re.M))
    runtime = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements-runtime.lock").read_text(), re.M))
    assert runtime and all(full.get(name) == version for name, version in runtime.items())
    for heavy in ("torch", "jax", "pytest", "hypothesis", "mypy"):
        assert heavy not in runtime


def test_test_still_installs_the_full_lock(tmp_path) -> None:
    out = dry_run("venv", tmp_path)  # what test and check depend on
    assert re.search(r"pip sync .*requirements\.lock", out)


def test_bench_runs_the_quick_benchmarks(tmp_path) -> None:
    out = dry_run("bench", tmp_path)
    assert "kg.bench.speed" in out and "--full" not in out and "100000" not in out


def test_quality_runs_every_figure_of_the_readme_quality_section(tmp_path) -> None:
    out = dry_run("quality", tmp_path)
    # every gold set, the held-out ones first, each into its own file
    assert "for set in test test2 dev dev2 dev3 dev4 dev5 dev6 dev7 train; do" in out
    assert "kg eval --gold tests/data/gold/$set.jsonl > out/quality/$set.txt" in out
    for corpus in ("--dataset scier --split dev", "--dataset tdmsci --split dev", "--dataset scierc --split test",
                   "--relations --setting rel+"):
        assert corpus in out
    assert "kg.bench.leaderboard gold" in out and "tests/data/gold/test2.jsonl" in out
    assert "pip sync" not in out  # the runtime lock is enough
