"""Which pipeline ``--model`` names, without importing spaCy: the CLI checks a model name, and
the parent of a worker pool decides where to send papers, before (or without) loading one."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kg.errors import KgError

# The pipelines shipped in the package, by the name ``--model`` takes: the fine-tuned transformer
# by default, the CNN for bulk runs (MODEL_CARD.md has both).
PACKAGED_MODELS: dict[str, str] = {"default": "sci_span", "fast": "sci_ner"}
NO_MODEL = "none"  # rules only


def model_path(name: str = "default") -> Path | None:
    """The packaged pipeline ``name`` ("default" or "fast"), or None where it is not installed."""
    path = Path(str(resources.files("kg") / "models" / PACKAGED_MODELS[name]))
    return path if (path / "meta.json").exists() else None


def default_model_path() -> Path | None:
    return model_path("default")


def resolve_model(model: str | Path | None) -> Path | None:
    """The pipeline directory that ``model`` names: "default", "fast", a path, or None/"none"."""
    if model is None or model == NO_MODEL:
        return None
    if isinstance(model, str) and model in PACKAGED_MODELS:
        path = model_path(model)
        if path is None:
            raise KgError(f"the {model!r} model is not installed (kg/models/{PACKAGED_MODELS[model]})")
        return path
    path = Path(model)
    if not (path / "config.cfg").is_file():
        raise KgError(
            f"{path}: not a spaCy pipeline directory (no config.cfg); --model takes "
            f"{', '.join(map(repr, PACKAGED_MODELS))}, {NO_MODEL!r} or a path"
        )
    return path
