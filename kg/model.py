"""Typed records that flow between the stages: read → extract → resolve → graph.

schemas/extraction.schema.json is generated from :class:`Extraction` (scripts/gen_schemas.py) and
a test checks the committed file is current.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kg.schema import ENTITY_RELATIONS, ENTITY_TYPES, PAPER_RELATIONS, RESULT_RELATIONS

TextField = Literal["title", "abstract"]
EntityType = Literal[ENTITY_TYPES]  # type: ignore[valid-type]
RelationName = Literal[PAPER_RELATIONS + ENTITY_RELATIONS + RESULT_RELATIONS]  # type: ignore[valid-type]


class _Model(BaseModel):
    # no inf or NaN in any field: strict JSON cannot hold them (a result's value is a finite number)
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Source(_Model):
    """Where a record was read: the file and the 1-based line its record starts on."""

    file: str
    line: int = Field(ge=1)
    # where in a JSON document the record sits ("/data/3"), for API responses read whole
    pointer: str | None = None


class Paper(_Model):
    id: str = Field(min_length=1)
    title: str
    abstract: str = ""
    url: str | None = None
    authors: list[str] = Field(default_factory=list)
    date: str | None = None
    arxiv_id: str | None = None
    links: list[str] = Field(default_factory=list)
    # What the APIs say of a paper beyond its text (readers keep them; the graph, Neo4j, the
    # neo4j-admin export and the HTML panels show them). None or empty: the source did not say.
    doi: str | None = None
    categories: list[str] = Field(default_factory=list)  # arXiv categories, or a venue's fields
    primary_category: str | None = None
    venue: str | None = None
    journal_ref: str | None = None
    comment: str | None = None  # arXiv's author comment ("12 pages, accepted at ICLR 2026")
    upvotes: int | None = Field(default=None, ge=0)  # Hugging Face daily papers
    num_comments: int | None = Field(default=None, ge=0)
    code_url: str | None = None  # the repository the source names (HF githubRepo)
    project_page: str | None = None
    source: Source | None = None

    def text(self, field: str) -> str:
        return self.title if field == "title" else self.abstract


class Mention(_Model):
    """One occurrence of an entity: ``text == paper.<field>[start:end]``."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    field: TextField
    extractor: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Mention:
        if self.end < self.start:
            raise ValueError("mention end before start")
        return self


class Entity(_Model):
    id: str  # the graph node id, "Type:key"
    type: EntityType
    name: str
    key: str
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    proposed: bool = False
    extractors: list[str] = Field(default_factory=list)
    url: str | None = None  # Repository / Website: the normalized URL


class Evidence(_Model):
    """Why a triple exists: the sentence, where both arguments sit in it, who said so."""

    field: TextField
    sentence: str
    sentence_start: int = Field(ge=0)  # offset of the sentence in the field
    head: tuple[int, int] | None = None  # field offsets of the head argument (None: the paper)
    tail: tuple[int, int] | None = None  # field offsets of the tail argument
    extractor: str
    confidence: float = Field(ge=0.0, le=1.0)


class Relation(_Model):
    type: RelationName  # type: ignore[valid-type]  # a Literal of the schema's names, built at import
    head: str  # node id ("Paper:…" for paper-level relations)
    tail: str  # node id
    evidence: Evidence


class Result(_Model):
    id: str  # "Result:<hash>"
    metric: str  # Metric node id
    metric_name: str
    value: float
    value_text: str  # the number as written ("64.38%", "2.5x", "1.61")
    unit: str | None = None  # "%", "x", "points", "%p", or a metric's own unit
    kind: Literal["absolute", "relative"]
    direction: Literal["up", "down"] | None = None  # for relative changes
    range_high: float | None = None  # "from 71.2 to 74.5" / "12-15%": the upper end
    dataset: str | None = None  # Dataset node id
    method: str | None = None  # Method node id
    evidence: Evidence


class Extraction(_Model):
    """Everything extracted from one paper record: one line of ``kg extract`` output."""

    paper: Paper
    entities: list[Entity] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
