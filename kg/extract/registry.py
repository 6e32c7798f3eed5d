"""Where an extractor says how much its claims weigh: priority by factory.

When two extractors claim overlapping spans, the sharper rule wins (kg/extract/spans.py): URL >
acronym definition > lexicon > dataset cue > proposal > metric name > propagation > coined name >
NER. A rule component declares its rank with :func:`rule_component`, which also registers it as a
spaCy factory; ranks are looked up by factory, so a renamed instance (``nlp.add_pipe("kg_urls",
name="links")``) keeps its rank.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spacy.language import Language

from kg.extract.spans import UNRANKED

PRIORITY: dict[str, int] = {}  # factory name → rank, lower wins
NER = "ner"  # the extractor name of the statistical NER's mentions
NER_PRIORITY = 8


def rule_component(factory: str, *, priority: int, **factory_args: Any) -> Callable[[Callable], Callable]:
    """``@Language.factory(factory, **factory_args)`` that also records ``priority``."""
    PRIORITY[factory] = priority
    return Language.factory(factory, **factory_args)


def instance_priorities(nlp: Language, names: Iterable[str] | None = None) -> dict[str, int]:
    """Rank of each component instance of ``nlp`` by its factory, as the candidates name
    their extractor by instance."""
    ranks = {**PRIORITY, NER: NER_PRIORITY}  # some components name their claims by factory
    for name in nlp.component_names if names is None else names:
        factory = nlp.get_pipe_meta(name).factory
        ranks[name] = PRIORITY.get(factory, UNRANKED)
    return ranks
