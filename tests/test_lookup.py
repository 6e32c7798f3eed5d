"""kg.graph.lookup: the one rule for finding a node by name, shared by explain, render and Cypher."""

from __future__ import annotations

import networkx as nx
import pytest

from kg.graph.explain import explain
from kg.graph.lookup import NodeNotFound, answers_to, find_node, find_nodes
from kg.render.select import select_subgraph


@pytest.fixture()
def graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("Paper:2401.00003", type="Paper", key="2401.00003", name="Janus: Decoupling Encoders",
               title="Janus: Decoupling Encoders", arxiv_id="2401.00003")
    g.add_node("Method:vision-transformer", type="Method", key="vision-transformer", name="Vision Transformer",
               aliases=["ViT", "Vision Transformer"], papers=["2401.00003"])
    g.add_node("Task:vision-transformer", type="Task", key="vision-transformer", name="vision transformer",
               aliases=[], papers=["2401.00003"])
    g.add_node("Repository:github.com/a/b", type="Repository", key="github.com/a/b", name="a/b",
               aliases=["a/b"], papers=["2401.00003"])
    g.add_edge("Paper:2401.00003", "Method:vision-transformer", key="USES", type="USES", support=1,
               confidence=0.9, evidence=[])
    g.add_edge("Paper:2401.00003", "Method:vision-transformer", key="PROPOSES", type="PROPOSES", support=1,
               confidence=0.9, evidence=[])
    g.add_edge("Paper:2401.00003", "Task:vision-transformer", key="ADDRESSES", type="ADDRESSES", support=1,
               confidence=0.9, evidence=[])
    g.add_edge("Method:vision-transformer", "Task:vision-transformer", key="USED_FOR", type="USED_FOR",
               support=1, confidence=0.9, evidence=[])
    return g


@pytest.mark.parametrize("name, found", [
    ("vit", ["Method:vision-transformer"]),                            # an alias, any case
    ("  ViT ", ["Method:vision-transformer"]),                         # trimmed
    ("Vision-Transformers", ["Method:vision-transformer", "Task:vision-transformer"]),  # canonical key
    ("method:VISION-transformer", ["Method:vision-transformer"]),      # the id
    ("github.com/a/b", ["Repository:github.com/a/b"]),                 # the key
    ("2401.00003", ["Paper:2401.00003"]),                               # a paper by id / arXiv id
    ("janus: decoupling encoders", ["Paper:2401.00003"]),              # a paper by title
])
def test_a_node_answers_to_its_id_key_name_title_aliases_and_other_spellings(graph, name, found) -> None:
    assert find_nodes(graph, name) == found
    assert [n for n, a in graph.nodes(data=True) if answers_to(n, a, name)] == sorted(found)


def test_of_several_the_most_connected_is_the_one_meant(graph) -> None:
    assert find_node(graph, "vision transformer") == "Method:vision-transformer"


def test_nothing_found_names_close_names(graph) -> None:
    with pytest.raises(NodeNotFound, match="no node named 'Vision Transfromer'") as err:
        find_nodes(graph, "Vision Transfromer")
    assert "Vision Transformer" in err.value.close
    with pytest.raises(NodeNotFound):
        find_nodes(graph, "   ")


def test_explain_and_render_find_the_same_nodes(graph) -> None:
    for name in ("ViT", "github.com/a/b", "Vision-Transformers"):
        centre = find_node(graph, name)
        assert explain(graph, name).split("(", 1)[1].startswith(centre)
        assert centre in select_subgraph(graph, focus=name, depth=0).focus_nodes
