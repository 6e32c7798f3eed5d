"""neo4j-admin CSV files written one row at a time, for a graph that is never held whole.

A file's header names only the columns some row has a value for, with the type all its values
share (kg.store.admin_export.column_type), so it is known only after the last row: rows go to a
JSON Lines body beside the output while each column's type is kept up to date, then the CSV is
written from the body. Memory holds one row and a few counters per column.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kg.io.atomic import atomic_write
from kg.store.admin_export import _INT32, _cell, node_header, relationship_header

__all__ = ["ColumnType", "CsvSinks"]


@dataclass
class ColumnType:
    """What :func:`kg.store.admin_export.column_type` would say of every value added so far."""

    values: int = 0
    lists: int = 0
    scalar_kinds: set[type] = field(default_factory=set)
    scalar_long: bool = False
    item_kinds: set[type] = field(default_factory=set)
    item_long: bool = False

    def add(self, value: Any) -> None:
        if value is None:
            return
        self.values += 1
        if isinstance(value, list):
            self.lists += 1
            for item in value:
                self.item_kinds.add(type(item))
                self.item_long |= type(item) is int and item not in _INT32
        else:
            self.scalar_kinds.add(type(value))
            self.scalar_long |= type(value) is int and value not in _INT32

    def kind(self) -> str:
        if self.values and self.lists == self.values:
            return _scalar(self.item_kinds, self.item_long) + "[]"
        if self.lists:
            return "string"
        return _scalar(self.scalar_kinds, self.scalar_long)


def _scalar(kinds: set[type], long: bool) -> str:
    if not kinds:
        return "string"
    if kinds == {bool}:
        return "boolean"
    if kinds == {int}:
        return "long" if long else "int"
    if kinds <= {int, float}:
        return "double"
    return "string"


class _Sink:
    def __init__(self, body: Path, skip: tuple[str, ...]):
        self.body_path, self.skip = body, skip
        self.body: IO[str] = body.open("w", encoding="utf-8")
        self.columns: dict[str, ColumnType] = {}
        self.rows = 0

    def add(self, ids: list[str], props: Mapping[str, Any]) -> None:
        for name, value in props.items():
            if value is not None and name not in self.skip:
                self.columns.setdefault(name, ColumnType()).add(value)
        self.body.write(json.dumps([ids, {k: v for k, v in props.items() if v is not None}], ensure_ascii=False))
        self.body.write("\n")
        self.rows += 1

    def finish(self, path: Path, header: list[str], columns: list[tuple[str, str]]) -> None:
        self.body.close()
        with atomic_write(path, newline="") as fh, self.body_path.open(encoding="utf-8") as body:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            for line in body:
                ids, props = json.loads(line)
                writer.writerow([*ids, *(_cell(props.get(n), k) for n, k in columns)])
        self.body_path.unlink()


class CsvSinks:
    """One node file per label and one relationship file per (type, head label, tail label), as
    kg.store.admin_export names and lays them out."""

    def __init__(self, out: Path, scratch: Path):
        self.out, self.scratch = out, scratch
        self.nodes: dict[str, _Sink] = {}
        self.rels: dict[tuple[str, str, str], _Sink] = {}

    def node(self, label: str, key: str, props: Mapping[str, Any]) -> None:
        sink = self.nodes.get(label)
        if sink is None:
            sink = self.nodes[label] = _Sink(self.scratch / f"n{len(self.nodes)}.jsonl", ("key",))
        sink.add([key, label], props)

    def relationship(self, group: tuple[str, str, str], head: str, tail: str, props: Mapping[str, Any]) -> None:
        sink = self.rels.get(group)
        if sink is None:
            sink = self.rels[group] = _Sink(self.scratch / f"r{len(self.rels)}.jsonl", ())
        sink.add([head, tail, group[0]], props)

    def finish(self) -> tuple[list[Path], list[Path]]:
        node_files, rel_files = [], []
        for label, sink in sorted(self.nodes.items()):
            columns = [(n, sink.columns[n].kind()) for n in sorted(sink.columns)]
            path = self.out / f"nodes_{label}.csv"
            sink.finish(path, node_header(label, columns), columns)
            node_files.append(path)
        for (rel_type, head, tail), sink in sorted(self.rels.items()):
            columns = [(n, sink.columns[n].kind()) for n in sorted(sink.columns)]
            path = self.out / f"relationships_{rel_type}_{head}_{tail}.csv"
            sink.finish(path, relationship_header(head, tail, columns), columns)
            rel_files.append(path)
        return node_files, rel_files
