"""Shared fixtures: repository paths, the samples, ../shared data, and one extraction run of
the samples reused by every test that needs it (the pipeline is the slow part)."""

from __future__ import annotations

import importlib.util
import os
import sys
import warnings
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


# Tests that take more than ~4 s on the 2-core dev machine (pytest --durations): marked `slow`
# here, in one list, so that `make check` (-m "not slow") stays under 2 minutes. `make test` runs
# them and prints the slowest with their times. A name here that matches no test of a file that
# was collected is reported as a warning, so a renamed test does not silently become fast.
SLOW = {
    "test_atomic_outputs.py::test_killed_runs_leave_previous_output",
    "test_bad_input.py::test_one_megabyte_abstract_is_processed",
    "test_bench.py::test_scale_and_memory_reports",
    "test_cluster.py::test_cluster_output_equals_single_process",
    "test_cluster.py::test_a_killed_worker_loses_no_paper_and_doubles_none",
    "test_cluster.py::test_a_rerun_after_an_interruption_extracts_nothing_twice",
    "test_corpus_ner.py::test_end_to_end_relations_read_the_scierc_head_by_default",
    "test_corpus_ner.py::test_scierc_head_beats_the_main_head_on_scierc_and_the_cli_says_which_it_scored",
    "test_corpus_ner.py::test_tiny_two_head_run_adds_a_self_contained_disabled_scierc_head",
    "test_determinism.py::test_default_model_is_byte_identical",
    "test_determinism.py::test_rules_only_extract_and_build_are_byte_identical",
    "test_encoder_ner.py::test_numpy_and_jax_run_the_same_network",
    "test_encoder_ner.py::test_training_script_runs_on_a_tiny_slice_and_adds_the_head",
    "test_eval_ner.py::test_shipped_model_keeps_its_scores",
    "test_eval_relations.py::test_end_to_end_on_scierc_test_with_the_shipped_models",
    "test_factories.py::test_every_factory_is_an_entry_point_that_loads_by_name",
    "test_fetch.py::test_a_killed_fetch_resumes_without_duplicates",
    "test_fuzz.py::test_readers_raise_only_input_error",
    "test_fuzz.py::test_whole_path_never_crashes_and_every_output_reads_back",
    "test_leaderboard.py::test_live_extraction_gives_the_same_leaderboard",
    "test_pool.py::test_workers_can_send_json_lines_identical_to_the_objects",
    "test_relation_model.py::test_tiny_training_run_writes_a_loadable_model_and_repeats_exactly",
    "test_render.py::test_layout_is_deterministic_finite_and_spreads_nodes",
    "test_serve.py::test_kg_serve_runs_and_answers",
    "test_notebook.py::test_to_pyvis_is_a_network_of_the_focus",
    "test_stream_export.py::test_streamed_rules_only_samples_equal_the_graph_export",
    "test_stream_export.py::test_streamed_samples_equal_the_graph_export",
    "test_tagged_entities.py::test_tiny_tagger_head_run_loads_with_entities",
    "test_train_ner.py::test_tiny_training_run_gives_a_loadable_tagger",
    "test_train_vectors.py::test_tiny_vectors_run_feeds_a_tagger_head",
}


@pytest.hookimpl(tryfirst=True)  # before -m and -k deselect anything
def pytest_collection_modifyitems(config, items):
    seen, files = set(), set()
    for item in items:
        name = f"{item.path.name}::{item.originalname}"
        files.add(item.path.name)
        if name in SLOW:
            item.add_marker(pytest.mark.slow)
            seen.add(name)
    for name in sorted(SLOW - seen):
        if name.partition("::")[0] in files:
            warnings.warn(pytest.PytestWarning(f"tests/conftest.py SLOW lists {name}, which is no test"), stacklevel=1)


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
    from kg.extract.stream import extract_stream
    return list(extract_stream(sample_papers))


@pytest.fixture(scope="session")
def sample_graph(sample_extractions):
    from kg.graph.build import build_graph
    return build_graph(sample_extractions)
