"""paper-kg: machine-learning paper abstracts in, knowledge graph out.

import kg
extractions = kg.extract_papers([{"id": "1", "title": "…", "abstract": "…"}])
graph = kg.build_graph(extractions)          # a networkx.MultiDiGraph
kg.render(graph, "graph.html")
"""

__version__ = "0.1.0"
# kg.extract is the extraction package (kg.extract.build_nlp, kg.extract.urls, …); the function
# that mirrors `kg extract` is extract_papers, so the name means one thing.
__all__ = ["extract_papers", "build_graph", "render", "read_papers", "read_graph", "write_graph", "to_pyvis", "show"]
__all__ += ["leaderboard", "trends"]


def __getattr__(name: str):
    # Lazy: `import kg` stays cheap for the CLI's --help.
    if name == "extract_papers":
        from kg.api import extract

        return extract
    if name == "extract":  # the subpackage, for `import kg; kg.extract.build_nlp()`
        import importlib

        return importlib.import_module("kg.extract")
    if name in ("build_graph", "render", "leaderboard", "trends"):
        from kg import api

        return getattr(api, name)
    if name == "read_papers":
        from kg.read import read_papers

        return read_papers
    if name in ("to_pyvis", "show"):  # notebooks: a pyvis Network, an inline view
        from kg import notebook

        return getattr(notebook, name)
    if name in ("read_graph", "write_graph"):
        from kg.graph import formats

        return getattr(formats, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
