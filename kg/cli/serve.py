"""The `kg` commands of this group; each is a thin call into the package that does the work."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
