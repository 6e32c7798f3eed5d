"""Named Cypher queries over the paper-kg graph, for ``kg query NAME --param …``.

Entities are looked up by name with the rule of :mod:`kg.graph.lookup`, the one ``kg explain`` and
``kg render --focus`` apply: id, key, name, title or alias ignoring case, or the canonical key of
another spelling. Dataset queries follow VARIANT_OF, so ImageNet also finds ImageNet-1K papers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.graph.lookup import cypher_named, key_param
from kg.resolve.keys import canonical_key

__all__ = ["NamedQuery", "NAMED_QUERIES", "find_query", "bind_params"]


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    cypher: str
    params: dict[str, str]  # required parameter → what it means
    defaults: dict[str, Any] = field(default_factory=dict)  # optional parameters
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # the parameters that name a node (see kg.graph.lookup)


_DATASET_AND_VARIANTS = f"""
MATCH (d:Dataset) WHERE {cypher_named("d", "dataset")}
MATCH (v:Dataset)-[:VARIANT_OF*0..3]->(d)
WITH DISTINCT v"""

# A dataset's family: the tops of its VARIANT_OF chains, then every variant under them; with
# exact=true only the datasets named (kg.analysis.leaderboard applies the same rule).
_FAMILY_MEMBERS = f"""
MATCH (d:Dataset) WHERE {cypher_named("d", "dataset")}
MATCH (d)-[:VARIANT_OF*0..3]->(top:Dataset) WHERE NOT (top)-[:VARIANT_OF]->(:Dataset)
WITH DISTINCT CASE WHEN toLower($exact) = 'true' THEN d ELSE top END AS f
MATCH (v:Dataset)-[:VARIANT_OF*0..3]->(f) WHERE toLower($exact) <> 'true' OR v = f
WITH DISTINCT f, v"""

_QUERIES = (
    NamedQuery(
        "papers-on-dataset",
        "Papers that evaluate on, propose or report results on a dataset (or one of its variants).",
        _DATASET_AND_VARIANTS
        + """
CALL (v) {
  MATCH (p:Paper)-[r:EVALUATES_ON|PROPOSES]->(v) RETURN p, type(r) AS via
  UNION
  MATCH (p:Paper)-[:REPORTS]->(:Result)-[:ON_DATASET]->(v) RETURN p, 'REPORTS' AS via
}
RETURN p.key AS paper, p.title AS title, collect(DISTINCT v.name) AS datasets,
       collect(DISTINCT via) AS via
ORDER BY paper""",
        {"dataset": "dataset name, key or alias"},
        names=("dataset",),
        aliases=("papers-on", "dataset-papers", "papers-for-dataset"),
    ),
    NamedQuery(
        "methods-on-benchmark",
        "Methods with results reported on a dataset (or its variants): metric, value, paper.",
        _DATASET_AND_VARIANTS
        + """
MATCH (res:Result)-[:ON_DATASET]->(v)
OPTIONAL MATCH (res)-[:BY_METHOD]->(m:Method)
OPTIONAL MATCH (res)-[:OF_METRIC]->(metric:Metric)
OPTIONAL MATCH (p:Paper)-[:REPORTS]->(res)
RETURN m.name AS method, coalesce(metric.name, res.metric_name) AS metric, res.value AS value,
       res.value_text AS value_text, res.unit AS unit, res.kind AS kind, v.name AS dataset,
       p.key AS paper
ORDER BY method, metric, value DESC""",
        {"dataset": "dataset name, key or alias"},
        names=("dataset",),
        aliases=("results-on-dataset",),
    ),
    NamedQuery(
        "leaderboard",
        "The absolute results on a dataset's family (or only it, with exact=true), one row each, "
        "as kg leaderboard lists them; ranking by the metric's direction is kg leaderboard's.",
        _FAMILY_MEMBERS
        + """
MATCH (res:Result {kind: 'absolute'})-[:ON_DATASET]->(v)
MATCH (res)-[:OF_METRIC]->(metric:Metric)
WHERE $metric IS NULL OR """
        + cypher_named("metric", "metric")
        + """ OR toLower(trim(res.metric_name)) = toLower(trim($metric))
OPTIONAL MATCH (res)-[:BY_METHOD]->(m:Method)
OPTIONAL MATCH (p:Paper)-[rep:REPORTS]->(res)
OPTIONAL MATCH (p)-[:HAS_CODE]->(repo:Repository)
WITH f, v, metric, res, m, p, rep, min(repo.url) AS repo_url
RETURN f.name AS family, metric.name AS metric, m.name AS method, res.value AS value,
       res.value_text AS value_text, res.unit AS unit, v.name AS dataset, p.key AS paper,
       p.title AS title, p.url AS url, p.date AS date, coalesce(repo_url, p.code_url) AS code,
       rep.evidence AS evidence, res.key AS result
ORDER BY family, metric, value DESC, paper, result""",
        {"dataset": "dataset name, key or alias"},
        defaults={"metric": None, "exact": "false"},
        names=("dataset", "metric"),
        aliases=("leaderboards", "benchmark-table"),
    ),
    NamedQuery(
        "benchmarks",
        "(dataset family, metric) pairs with at least one absolute result, most results first.",
        """
MATCH (res:Result {kind: 'absolute'})-[:ON_DATASET]->(v:Dataset), (res)-[:OF_METRIC]->(metric:Metric)
MATCH (v)-[:VARIANT_OF*0..3]->(f:Dataset) WHERE NOT (f)-[:VARIANT_OF]->(:Dataset)
WITH f, metric, collect(DISTINCT res) AS results, collect(DISTINCT res.paper) AS papers,
     collect(DISTINCT CASE WHEN v <> f THEN v.name END) AS variants
RETURN f.name AS dataset, metric.name AS metric, size(results) AS results, size(papers) AS papers,
       variants
ORDER BY results DESC, toLower(dataset), toLower(metric)""",
        {},
        aliases=("benchmark-list", "list-benchmarks"),
    ),
    NamedQuery(
        "top-datasets",
        "Datasets by how many papers use them (evaluate on, propose or report results on).",
        """
MATCH (d:Dataset)
CALL (d) {
  MATCH (p:Paper)-[:EVALUATES_ON|PROPOSES]->(d) RETURN p
  UNION
  MATCH (p:Paper)-[:REPORTS]->(:Result)-[:ON_DATASET]->(d) RETURN p
}
WITH d, count(DISTINCT p) AS papers
RETURN d.name AS dataset, d.key AS key, papers
ORDER BY papers DESC, dataset
LIMIT toInteger($limit)""",
        {},
        defaults={"limit": 10},
        aliases=("datasets", "popular-datasets"),
    ),
    NamedQuery(
        "papers-without-code",
        "Papers that link no code repository.",
        """
MATCH (p:Paper) WHERE NOT (p)-[:HAS_CODE]->(:Repository)
RETURN p.key AS paper, p.title AS title, p.url AS url
ORDER BY paper""",
        {},
        aliases=("no-code", "without-code"),
    ),
    NamedQuery(
        "methods-sharing-tasks",
        "Pairs of methods tied to the same task (USED_FOR, or a paper proposing or using the "
        "method addresses the task); --param method=NAME keeps the pairs with that method.",
        """
CALL () {
  MATCH (m:Method)-[:USED_FOR]->(t:Task) RETURN m, t
  UNION
  MATCH (p:Paper)-[:PROPOSES|USES]->(m:Method), (p)-[:ADDRESSES]->(t:Task) RETURN m, t
}
WITH t, collect(DISTINCT m) AS methods
UNWIND methods AS a
UNWIND methods AS b
WITH a, b, t WHERE a.key < b.key
WITH a, b, collect(DISTINCT t.name) AS tasks
WHERE $method IS NULL OR """
        + cypher_named("a", "method")
        + " OR "
        + cypher_named("b", "method")
        + """
RETURN a.name AS method_a, b.name AS method_b, size(tasks) AS shared, tasks
ORDER BY shared DESC, method_a, method_b""",
        {},
        defaults={"method": None},
        names=("method",),
        aliases=("shared-tasks", "related-methods"),
    ),
    NamedQuery(
        "paper-neighbourhood",
        "Everything one relationship away from a paper (by id, arXiv id or exact title).",
        """
MATCH (p:Paper) WHERE """
        + cypher_named("p", "paper")
        + """
MATCH (p)-[r]-(n)
RETURN p.key AS paper, type(r) AS relation,
       CASE WHEN startNode(r) = p THEN 'out' ELSE 'in' END AS direction,
       n.type AS type, coalesce(n.name, n.value_text, n.key) AS name, n.key AS key
ORDER BY relation, type, name""",
        {"paper": "paper id, arXiv id or title"},
        names=("paper",),
        aliases=("paper-neighborhood", "neighbourhood", "neighborhood", "paper"),
    ),
)

NAMED_QUERIES: dict[str, NamedQuery] = {q.name: q for q in _QUERIES}


def _norm(name: str) -> str:
    return re.sub(r"[\s_-]+", "-", name.strip().lower())


_LOOKUP: dict[str, NamedQuery] = {_norm(alias): q for q in _QUERIES for alias in (q.name, *q.aliases)}


def find_query(name: str) -> NamedQuery | None:
    """The named query called ``name`` (any case, ``_``/space for ``-``, or an alias), else None."""
    return _LOOKUP.get(_norm(name))


def bind_params(query: NamedQuery, given: dict[str, str]) -> dict[str, Any]:
    """Defaults plus ``given`` (as typed on the command line); ValueError names any bad parameter.

    Values stay text except where the default is a number: an arXiv id such as 2401.00003 must
    not turn into a float.
    """
    missing = [p for p in query.params if p not in given]
    if missing:
        raise ValueError(f"query {query.name!r} needs " + ", ".join(f"--param {p}=…" for p in missing))
    unknown = sorted(set(given) - set(query.params) - set(query.defaults))
    if unknown:
        known = ", ".join([*query.params, *query.defaults]) or "none"
        raise ValueError(f"query {query.name!r} takes no parameter {unknown[0]!r} (it takes: {known})")
    bound: dict[str, Any] = dict(query.defaults)
    for name, text in given.items():
        default = query.defaults.get(name)
        if isinstance(default, int) and not isinstance(default, bool):
            try:
                bound[name] = int(text)
            except ValueError:
                raise ValueError(f"--param {name} must be a whole number, not {text!r}") from None
        else:
            bound[name] = text
    for name in query.names:
        bound[key_param(name)] = None if bound[name] is None else canonical_key(bound[name])
    return bound
