"""Shared fixtures: repository paths, the samples, ../shared data, and one extraction run of
the samples reused by every test that needs it (the pipeline is the slow part)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "hf-papers"


def load_script(name: str) -> ModuleType:
    """``scripts/{name}.py`` as a module (scripts/ is not a package), imported once."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def spans(text: str, *pairs: tuple[str, str]) -> list[tuple[int, int, str]]:
    """Mentions from (surface, type): the first occurrence of each surface."""
    out = []
    for surface, type_ in pairs:
        i = text.index(surface)
        out.append((i, i + len(surface), type_))
    return out


def shared_dir() -> Path:
    return Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))


def require_shared(*parts: str) -> Path:
    path = shared_dir().joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI always has ../shared beside the clone")
        pytest.skip(f"needs {path} (the ../shared data beside the repo; set KG_SHARED to point elsewhere)")
    return path


@pytest.fixture(scope="session")
def sample_papers():
    from kg.read import read_papers
    return list(read_papers([SAMPLES]))


@pytest.fixture(scope="session")
def sample_extractions(sample_papers):
    """The default pipeline (shipped model + rules) over all 548 sample records."""
    from kg.extract.run import extract_stream
    return list(extract_stream(sample_papers))


@pytest.fixture(scope="session")
def sample_graph(sample_extractions):
    from kg.graph.build import build_graph
    return build_graph(sample_extractions)
