"""Benchmarks, one module per benchmark; each prints the figures the README quotes.

    python -m kg.bench.speed [throughput|workers|scale|memory]   # extraction speed, scale, memory
    python -m kg.bench.neo4j_load --yes                          # kg load against a naive loader
    python -m kg.bench.render                                    # the HTML page in headless Chromium
    python -m kg.bench.synth -n 10000 -o synth.jsonl             # the synthetic corpus they read

``common`` holds the inputs and timing helpers, ``throughput`` and ``scale`` the measurements
that ``speed`` runs. They read the sample papers of a checkout (``examples/hf-papers``) and
need the test extra (psutil; playwright and Chromium for ``render``). Nothing in ``kg`` imports
this package.
"""
