"""The layout of kg/: no import cycle between its modules, and no module over 400 lines.

Both read the source, not the running interpreter: each module under kg/ is parsed with ``ast``.
The import graph has an edge A -> B when A imports B *at import time*: the imports of A's module
body, including those under a top-level ``if``/``try``/``with`` and in class bodies (they run
when A is imported). Imports inside functions are left out of the main cycle test, since they
run only when the function is called (that is how a module defers an import on purpose), and
so are imports under ``if TYPE_CHECKING:``; a second, stricter test counts the deferred ones
too. ``from P import name`` is an edge to the module ``P.name`` when there is one, else to
``P`` (the package ``__init__`` that defines the name). Importing ``a.b.c`` also runs
``a/__init__`` and ``a/b/__init__``, but those implicit parent imports are not edges: counting
them would call every package whose ``__init__`` re-exports a submodule a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

KG = Path(__file__).resolve().parents[1] / "kg"
MAX_LINES = 400

# The lead removes this once issue 16's restructure lands.


def module_name(path: Path) -> str:
    parts = list(path.relative_to(KG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def kg_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(KG.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_time_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The import statements that run when the module is imported (see the module docstring)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.append(node)
            elif isinstance(node, ast.If):
                if not _is_type_checking(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try | ast.TryStar):
                for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                    visit(block)
            elif isinstance(node, ast.With | ast.For | ast.While):
                visit(node.body)
            elif isinstance(node, ast.ClassDef):
                visit(node.body)

    visit(tree.body)
    return found


def all_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, those inside functions (deferred imports) included."""
    return [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]


def import_graph(*, deferred: bool = False) -> nx.DiGraph:
    """kg's modules and their import-time imports (with ``deferred``, every import)."""
    imports = all_imports if deferred else import_time_imports
    modules = kg_modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:  # relative: from . import x, from ..y import z
                    base = name.split(".")
                    base = base[: len(base) - node.level + (1 if is_package else 0)]
                    package = ".".join(base + ([node.module] if node.module else []))
                else:
                    package = node.module or ""
                targets = [f"{package}.{alias.name}" if f"{package}.{alias.name}" in modules else package
                           for alias in node.names]
            for target in targets:
                # The deepest kg module the dotted name names (``import kg.a.b`` of a module kg.a.b).
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph.add_edge(name, target)
    return graph


def test_import_graph_sees_the_package():
    """A guard for the cycle test: the graph has every module, and edges we know exist."""
    graph = import_graph()
    assert "kg.cli" in graph and "kg.schema" in graph
    assert graph.number_of_edges() > len(graph) // 2
    assert graph.has_edge("kg.graph.build", "kg.schema")
    assert not [u for u, v in graph.edges if v.startswith("kg.bench") and not u.startswith("kg.bench")], \
        "nothing in kg imports kg.bench"


def describe_cycles(graph: nx.DiGraph) -> list[str]:
    """One line per strongly connected group of modules: its members and one cycle through them."""
    lines = []
    for group in sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1):
        cycle = nx.find_cycle(graph.subgraph(group))
        path = " -> ".join([cycle[0][0], *(v for _, v in cycle)])
        lines.append(f"{', '.join(group)}: {path}")
    return lines


def test_no_import_cycles():
    cycles = describe_cycles(import_graph())
    assert not cycles, "import cycles in kg/ (import-time imports only):\n  " + "\n  ".join(cycles)


def test_no_import_cycles_through_deferred_imports():
    """Stricter: a function-level import that closes a cycle hides it from the import machinery,
    not from the design (issue 16: the worker pool imports ``run``, which imports the pool)."""
    cycles = describe_cycles(import_graph(deferred=True))
    assert not cycles, "import cycles in kg/ (deferred imports included):\n  " + "\n  ".join(cycles)


def test_no_module_over_400_lines():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in kg_modules().items()}
    over = {name: n for name, n in sorted(sizes.items()) if n > MAX_LINES}
    assert not over, f"modules of kg/ over {MAX_LINES} lines: " + ", ".join(f"{m} ({n})" for m, n in over.items())
