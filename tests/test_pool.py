"""The extraction worker pool: order, failures and a clean stop."""

from __future__ import annotations

import itertools
import os

import pytest

from kg.extract.pool import WorkerError
from kg.extract.stream import extraction_pool as WorkerPool


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_batches_come_back_in_input_order(sample_papers) -> None:
    batches = [sample_papers[i:i + 7] for i in range(0, 70, 7)]
    with WorkerPool(2, None, 0.5) as pool:
        out = list(itertools.chain.from_iterable(pool.map(batches)))
    assert [e.paper.id for e in out] == [p.id for p in sample_papers[:70]]


def test_a_consumer_that_stops_early_leaves_no_worker(sample_papers) -> None:
    batches = [sample_papers[i:i + 8] for i in range(0, 160, 8)]
    with pytest.raises(KeyboardInterrupt):
        with WorkerPool(2, None, 0.5) as pool:
            pids = pool.pids
            for _ in pool.map(batches):
                raise KeyboardInterrupt  # what Ctrl-C does to the consumer mid-run
    assert pids and not any(_alive(pid) for pid in pids)


def test_a_failing_worker_is_an_error_with_its_cause(tmp_path) -> None:
    with pytest.raises(WorkerError, match="sci_ner_missing"):
        with WorkerPool(2, tmp_path / "sci_ner_missing", 0.5) as pool:
            pool.wait_ready()


def test_workers_can_send_json_lines_identical_to_the_objects(sample_papers) -> None:
    from kg.extract.stream import extract_stream

    papers = sample_papers[:150]
    objects = [e.model_dump_json() for e in extract_stream(papers, model=None, workers=1)]
    for workers in (1, 2):
        lines = list(extract_stream(papers, model=None, workers=workers, as_lines=True))
        assert [line.json for line in lines] == objects
        assert sum(line.entities for line in lines) > 0


def test_the_parent_of_a_pool_does_not_load_spacy() -> None:
    # The workers' start waits on the parent's imports; spaCy there cost ~0.6 s of each run.
    import subprocess
    import sys

    code = (
        "import sys, kg.cli.pipeline, kg.cli.inputs, kg.read, kg.extract.stream, kg.extract.packaged;"
        "kg.cli.inputs.check_model('fast'); print('spacy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


class _BlasThreads:
    """A worker that reports the BLAS thread setting it was started with."""

    preload = "kg.extract.pool"

    def __call__(self):
        return lambda batch: [os.environ.get("OPENBLAS_NUM_THREADS")]


def test_workers_get_one_blas_thread_and_the_caller_keeps_its_setting(monkeypatch) -> None:
    from kg.extract.pool import WorkerPool as Pool

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    with Pool(2, _BlasThreads()) as pool:
        assert list(pool.map([[], []])) == [["1"], ["1"]]
    assert "OPENBLAS_NUM_THREADS" not in os.environ
