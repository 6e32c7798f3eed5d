"""The Neo4j connection options every command that talks to Neo4j takes (load, query, export,
update --neo4j, serve --neo4j). The password comes only from the environment (NEO4J_PASSWORD):
an option would put it in shell history and ``ps`` output."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

from kg.store import settings as store_settings


def connection_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        (
            click.option(
                "--uri",
                envvar="NEO4J_URI",
                default=store_settings.DEFAULT_URI,
                show_default=True,
                help="Bolt URI (env NEO4J_URI).",
            ),
            click.option(
                "--user",
                envvar="NEO4J_USER",
                default=store_settings.DEFAULT_USER,
                show_default=True,
                help="User name (env NEO4J_USER); the password is read from NEO4J_PASSWORD only.",
            ),
            click.option(
                "--database",
                "database",
                default=store_settings.DEFAULT_DATABASE,
                show_default=True,
                help="Database name.",
            ),
        )
    ):
        fn = option(fn)
    return fn


def neo4j_settings(uri: str, user: str, database: str) -> store_settings.Settings:
    return store_settings.Settings(uri=uri, user=user, database=database, password=os.environ.get("NEO4J_PASSWORD", ""))
