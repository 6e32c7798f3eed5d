"""CSV files for ``neo4j-admin database import full``: the fastest way to build a large database.

One node file per label (``key:ID(Label)`` puts each label in its own id space, so ``Method:x``
and ``Task:x`` never collide) and one relationship file per (type, head label, tail label), each
with its header in its first row. Property types come from the values: ``int``/``long``,
``double``, ``boolean``, ``string`` and arrays of them (``aliases:string[]``). Nested values such
as edge ``evidence`` are JSON strings, as in the loader.
"""

from __future__ import annotations

import csv
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from kg.io.atomic import atomic_write
from kg.store.neo4j import DEFAULT_DATABASE, node_rows, relationship_rows

__all__ = [
    "ARRAY_DELIMITER",
    "ExportReport",
    "column_type",
    "node_header",
    "relationship_header",
    "import_command",
    "export_neo4j_admin",
]

# The unit separator: never part of a name, unlike ';' (the default) or '|'.
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_ARG = "U+001F"
_INT32 = range(-(2**31), 2**31)


def _scalar_type(values: Iterable[Any]) -> str:
    kinds = {type(v) for v in values}
    if not kinds:
        return "string"
    if kinds == {bool}:
        return "boolean"
    if kinds == {int}:
        return "int" if all(v in _INT32 for v in values) else "long"
    if kinds <= {int, float}:
        return "double"
    return "string"


def column_type(values: Sequence[Any]) -> str:
    """The import type of a column from its (non-None) values: ``int``, ``string[]``, …."""
    values = [v for v in values if v is not None]
    if values and all(isinstance(v, list) for v in values):
        return _scalar_type([item for v in values for item in v]) + "[]"
    if any(isinstance(v, list) for v in values):
        return "string"  # lists beside scalars: write every value as text
    return _scalar_type(values)


def _columns(props: Sequence[Mapping[str, Any]], skip: Iterable[str]) -> list[tuple[str, str]]:
    # A column no row has a value for would only be empty cells.
    names = sorted({name for p in props for name, v in p.items() if v is not None} - set(skip))
    return [(name, column_type([p.get(name) for p in props])) for name in names]


def _spec(name: str, kind: str) -> str:
    return name if kind == "string" else f"{name}:{kind}"


def node_header(label: str, columns: Sequence[tuple[str, str]]) -> list[str]:
    return [f"key:ID({label})", ":LABEL", *(_spec(n, k) for n, k in columns)]


def relationship_header(head: str, tail: str, columns: Sequence[tuple[str, str]]) -> list[str]:
    return [f":START_ID({head})", f":END_ID({tail})", ":TYPE", *(_spec(n, k) for n, k in columns)]


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind.endswith("[]"):
        items = value if isinstance(value, list) else [value]
        return ARRAY_DELIMITER.join(_text(v) for v in items)
    if kind == "string" and isinstance(value, list):
        return ARRAY_DELIMITER.join(_text(v) for v in value)
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value).replace(ARRAY_DELIMITER, " ")


def import_command(
    node_files: Sequence[Path],
    relationship_files: Sequence[Path],
    database: str = DEFAULT_DATABASE,
    report_file: Path | None = None,
) -> str:
    """The exact ``neo4j-admin`` command line that imports these files (run with the DBMS stopped)."""
    parts = [
        "neo4j-admin",
        "database",
        "import",
        "full",
        database,
        f"--array-delimiter={ARRAY_DELIMITER_ARG}",
        "--multiline-fields=true",
        "--id-type=string",
    ]
    if report_file is not None:  # else neo4j-admin writes import.report into the working directory
        parts.append(f"--report-file={report_file.resolve()}")
    parts += [f"--nodes={p.resolve()}" for p in node_files]
    parts += [f"--relationships={p.resolve()}" for p in relationship_files]
    return " ".join(shlex.quote(p) for p in parts)


@dataclass
class ExportReport:
    node_files: list[Path]
    relationship_files: list[Path]
    command: str
    command_file: Path


def export_neo4j_admin(graph: nx.MultiDiGraph, directory: str | Path, database: str = DEFAULT_DATABASE) -> ExportReport:
    """Write the CSVs and ``import-command.sh`` into ``directory``; return what was written."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    node_files: list[Path] = []
    for label, rows in sorted(node_rows(graph).items()):
        props = [r["props"] for r in rows]
        columns = _columns(props, skip=("key",))
        path = out / f"nodes_{label}.csv"
        with atomic_write(path, newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(node_header(label, columns))
            for row in rows:
                writer.writerow([row["key"], label, *(_cell(row["props"].get(n), k) for n, k in columns)])
        node_files.append(path)
    rel_files: list[Path] = []
    for (rel_type, head, tail), rows in sorted(relationship_rows(graph).items()):
        props = [r["props"] for r in rows]
        columns = _columns(props, skip=())
        path = out / f"relationships_{rel_type}_{head}_{tail}.csv"
        with atomic_write(path, newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(relationship_header(head, tail, columns))
            for row in rows:
                writer.writerow(
                    [row["head"], row["tail"], rel_type, *(_cell(row["props"].get(n), k) for n, k in columns)]
                )
        rel_files.append(path)
    return write_import_command(out, node_files, rel_files, database)


def write_import_command(out: Path, node_files: list[Path], rel_files: list[Path], database: str) -> ExportReport:
    """``out/import-command.sh``, the neo4j-admin command that loads the files; the report of the export."""
    command = import_command(node_files, rel_files, database, report_file=out / "import.report")
    command_file = out / "import-command.sh"
    with atomic_write(command_file) as fh:
        fh.write(
            "#!/bin/sh\n# Run with the Neo4j DBMS stopped; add --overwrite-destination to replace "
            "an existing database.\n" + command + "\n"
        )
    command_file.chmod(0o755)
    return ExportReport(node_files, rel_files, command, command_file)
