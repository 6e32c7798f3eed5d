"""Named-query lookup, parameters and output formats of `kg query`: no server needed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.errors import UsageError
from kg.cli.store import format_rows, json_or_text, parse_param, query
from kg.store.queries import NAMED_QUERIES, bind_params, find_query

REQUIRED = {"papers-on-dataset", "methods-on-benchmark", "top-datasets", "papers-without-code",
            "methods-sharing-tasks", "paper-neighbourhood"}


def test_all_required_queries_exist():
    assert REQUIRED <= set(NAMED_QUERIES)


@pytest.mark.parametrize("typed, name", [
    ("papers-on-dataset", "papers-on-dataset"), ("Papers_On_Dataset", "papers-on-dataset"),
    ("PAPERS ON DATASET", "papers-on-dataset"), ("paper-neighborhood", "paper-neighbourhood"),
    ("no-code", "papers-without-code"), ("Results_On_Dataset", "methods-on-benchmark"),
    ("Leaderboard", "leaderboard"), ("BENCHMARKS", "benchmarks"),
])
def test_find_query_ignores_case_and_knows_aliases(typed, name):
    found = find_query(typed)
    assert found is not None and found.name == name


def test_cypher_is_not_a_query_name():
    assert find_query("MATCH (n) RETURN n") is None


def test_aliases_are_unambiguous():
    names = [a.lower() for q in NAMED_QUERIES.values() for a in (q.name, *q.aliases)]
    assert len(names) == len(set(names))


def test_bind_params_keeps_text_and_types_numbers_only_where_declared():
    # a parameter that names a node also binds its canonical key (kg.graph.lookup's rule)
    assert bind_params(NAMED_QUERIES["paper-neighbourhood"], {"paper": "2401.00003"}) == {
        "paper": "2401.00003", "paper_key": "2401-00003"}
    assert bind_params(NAMED_QUERIES["top-datasets"], {"limit": "3"}) == {"limit": 3}
    assert bind_params(NAMED_QUERIES["methods-sharing-tasks"], {}) == {"method": None, "method_key": None}
    with pytest.raises(ValueError, match="--param dataset="):
        bind_params(NAMED_QUERIES["papers-on-dataset"], {})
    with pytest.raises(ValueError, match="'datset'"):
        bind_params(NAMED_QUERIES["papers-on-dataset"], {"dataset": "x", "datset": "x"})
    with pytest.raises(ValueError, match="whole number"):
        bind_params(NAMED_QUERIES["top-datasets"], {"limit": "ten"})


def test_parse_param_splits_at_first_equals():
    assert parse_param("q=a=b") == ("q", "a=b")
    with pytest.raises(UsageError):
        parse_param("novalue")


@pytest.mark.parametrize("raw, value", [
    ("42", 42), ("1.5", 1.5), ("true", True), ("null", None), ('["a", "b"]', ["a", "b"]),
    ('"2401.00003"', "2401.00003"), ("ImageNet", "ImageNet"), ("", ""),
])
def test_raw_cypher_params_are_json_else_text(raw, value):
    assert json_or_text(raw) == value


def test_format_rows():
    rows = [{"name": "ViT", "tasks": ["a", "b"], "n": None}, {"name": "x,y", "tasks": [], "n": 2}]
    cols = ["name", "tasks", "n"]
    assert json.loads(format_rows(cols, rows, "json")) == rows
    assert format_rows(cols, rows, "csv").splitlines() == ['name,tasks,n', 'ViT,"[""a"", ""b""]",', '"x,y",[],2']
    table = format_rows(cols, rows, "table").splitlines()
    assert table[0].split() == cols and table[-1] == "(2 rows)" and len(table) == 5


def test_list_needs_no_server():
    result = CliRunner().invoke(query, ["--list"])
    assert result.exit_code == 0
    for name in REQUIRED:
        assert name in result.output
