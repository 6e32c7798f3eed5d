"""paper-kg: machine-learning paper abstracts in, knowledge graph out.

    import kg
    extractions = kg.extract([{"id": "1", "title": "…", "abstract": "…"}])
    graph = kg.build_graph(extractions)          # a networkx.MultiDiGraph
    kg.render(graph, "graph.html")
"""

from kg import extract  # noqa: F401  (a callable package: kg.extract(records))

__version__ = "0.1.0"
__all__ = ["extract", "build_graph", "render", "read_papers", "read_graph", "write_graph"]


def __getattr__(name: str):
    # Lazy: `import kg` stays cheap for the CLI's --help.
    if name in ("build_graph", "render"):
        from kg import api
        return getattr(api, name)
    if name == "read_papers":
        from kg.read import read_papers
        return read_papers
    if name in ("read_graph", "write_graph"):
        from kg.graph import formats
        return getattr(formats, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
