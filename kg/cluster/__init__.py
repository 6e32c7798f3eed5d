"""``kg extract --cluster``: extraction on Dask distributed (the optional extra ``paper-kg[cluster]``).

* :mod:`kg.cluster.partition`: inputs into partitions (a file, or a line-aligned byte range of a
  large JSONL), each read by one worker alone;
* :mod:`kg.cluster.worker`: the pipeline loaded once per worker, a partition into a part file;
* :mod:`kg.cluster.job`: the client: plan, manifest, resume, submit, record.

Only :mod:`kg.cluster.job` and the worker plugin need ``distributed``; it is imported when a
cluster is asked for, never by ``import kg``.
"""
