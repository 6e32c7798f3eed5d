"""neo4j-admin import CSVs: headers, typed and array columns, the command line. No server needed."""

from __future__ import annotations

import csv
import shlex

import networkx as nx
import pytest

from kg.store.admin_export import (ARRAY_DELIMITER, column_type, export_neo4j_admin, import_command,
                                   node_header, relationship_header)


def _graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("Paper:2401.1", type="Paper", key="2401.1", name="A, \"quoted\" title",
               title="A, \"quoted\" title", abstract="Line one.\nLine two.", authors=["Ada", "Bo"], date=None)
    g.add_node("Method:vit", type="Method", key="vit", name="ViT", aliases=["Vision Transformer", "ViT-B"],
               confidence=0.9, papers=["Paper:2401.1"])
    g.add_node("Method:cnn", type="Method", key="cnn", name="CNN", aliases=[], confidence=1, papers=[])
    g.add_node("Result:r", type="Result", key="r", name="acc 90", value=90, kind="absolute", range_high=None)
    g.add_edge("Paper:2401.1", "Method:vit", key="PROPOSES", type="PROPOSES", support=1, confidence=0.9,
               papers=["Paper:2401.1"], evidence=[{"paper": "Paper:2401.1", "head": None, "tail": [0, 3]}])
    g.add_edge("Paper:2401.1", "Method:cnn", key="USES", type="USES", support=2, confidence=0.5,
               papers=["Paper:2401.1"])
    g.add_edge("Result:r", "Method:vit", key="BY_METHOD", type="BY_METHOD", support=1)
    return g


@pytest.mark.parametrize("values, kind", [
    (["a", "b"], "string"), ([1, 2], "int"), ([1, 2**40], "long"), ([1, 0.5], "double"),
    ([True, False], "boolean"), ([["a"], []], "string[]"), ([[1, 2], [3]], "int[]"),
    ([None, 3], "int"), ([], "string"), (["a", ["b"]], "string"), ([1, "a"], "string"),
])
def test_column_type(values, kind):
    assert column_type(values) == kind


def test_headers_use_label_id_spaces():
    assert node_header("Method", [("aliases", "string[]"), ("confidence", "double"), ("name", "string")]) == \
        ["key:ID(Method)", ":LABEL", "aliases:string[]", "confidence:double", "name"]
    assert relationship_header("Paper", "Method", [("support", "int")]) == \
        [":START_ID(Paper)", ":END_ID(Method)", ":TYPE", "support:int"]


def read_csv(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_export_writes_one_file_per_label_and_relationship_group(tmp_path):
    report = export_neo4j_admin(_graph(), tmp_path)
    assert sorted(p.name for p in report.node_files) == ["nodes_Method.csv", "nodes_Paper.csv", "nodes_Result.csv"]
    assert sorted(p.name for p in report.relationship_files) == [
        "relationships_BY_METHOD_Result_Method.csv", "relationships_PROPOSES_Paper_Method.csv",
        "relationships_USES_Paper_Method.csv"]

    methods = read_csv(tmp_path / "nodes_Method.csv")
    assert methods[0] == ["key:ID(Method)", ":LABEL", "aliases:string[]", "confidence:double", "id",
                          "name", "papers:string[]", "type"]
    assert methods[1:] == [["vit", "Method", f"Vision Transformer{ARRAY_DELIMITER}ViT-B", "0.9", "Method:vit",
                            "ViT", "Paper:2401.1", "Method"],
                           ["cnn", "Method", "", "1", "Method:cnn", "CNN", "", "Method"]]

    papers = read_csv(tmp_path / "nodes_Paper.csv")
    assert papers[0] == ["key:ID(Paper)", ":LABEL", "abstract", "authors:string[]", "id", "name", "title", "type"]
    assert papers[1][2] == "Line one.\nLine two." and papers[1][6] == 'A, "quoted" title'

    results = read_csv(tmp_path / "nodes_Result.csv")
    assert results[0] == ["key:ID(Result)", ":LABEL", "id", "kind", "name", "type", "value:int"]

    proposes = read_csv(tmp_path / "relationships_PROPOSES_Paper_Method.csv")
    assert proposes[0] == [":START_ID(Paper)", ":END_ID(Method)", ":TYPE", "confidence:double",
                           "evidence", "papers:string[]", "support:int"]
    assert proposes[1][:3] == ["2401.1", "vit", "PROPOSES"]
    assert proposes[1][4] == '[{"head": null, "paper": "Paper:2401.1", "tail": [0, 3]}]'


def test_array_delimiter_inside_a_value_cannot_split_it(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("Task:t", type="Task", key="t", name="t", aliases=[f"a{ARRAY_DELIMITER}b"])
    export_neo4j_admin(g, tmp_path)
    assert read_csv(tmp_path / "nodes_Task.csv")[1][2].split(ARRAY_DELIMITER) == ["a b"]


def test_import_command_names_every_file(tmp_path):
    report = export_neo4j_admin(_graph(), tmp_path / "out dir", database="papers")
    args = shlex.split(report.command)
    assert args[:5] == ["neo4j-admin", "database", "import", "full", "papers"]
    assert "--array-delimiter=U+001F" in args and "--multiline-fields=true" in args
    assert sorted(a.split("=", 1)[1] for a in args if a.startswith("--nodes=")) == \
        sorted(str(p.resolve()) for p in report.node_files)
    assert sorted(a.split("=", 1)[1] for a in args if a.startswith("--relationships=")) == \
        sorted(str(p.resolve()) for p in report.relationship_files)
    assert report.command in report.command_file.read_text(encoding="utf-8")
    assert import_command([], []) .startswith("neo4j-admin database import full neo4j ")
