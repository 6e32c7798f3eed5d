"""Where to connect to Neo4j, and the defaults: importable without the driver, so the CLI can
build its options (and answer --help) without loading neo4j and networkx."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"
DEFAULT_BATCH_SIZE = 1000


@dataclass(frozen=True)
class Settings:
    """Where to connect. The password never appears in repr, errors or logs."""

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str = field(default="", repr=False)
    database: str = DEFAULT_DATABASE
