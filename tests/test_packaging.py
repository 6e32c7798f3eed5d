"""Every file the package reads at run time (templates, models, term lists) is package data, so a
wheel holds it: an editable install reads the tree and would not notice one left out."""

from __future__ import annotations

import tomllib

from conftest import ROOT


def test_every_non_python_file_under_kg_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["kg"]
    package = ROOT / "kg"
    shipped = {p for pattern in patterns for p in package.glob(pattern) if p.is_file()}
    files = {
        p
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert files - shipped == set(), "add these to [tool.setuptools.package-data] in pyproject.toml"
