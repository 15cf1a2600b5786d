"""The answer contract (../shared/docs/contract.md): every surface returns these objects."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class Citation(BaseModel):
    marker: int
    document_id: str
    source_file: str
    title: str
    date: str
    paragraph_id: str
    quote: str
    start: int
    end: int
    # Paginated sources (PDF): the 1-based page the quote starts on and that page's range in the document text.
    page: int | None = None
    page_start: int | None = None
    page_end: int | None = None


class Agreement(BaseModel):
    """A near-duplicate paragraph in another document: the same statement told again."""

    paragraph_id: str
    document_id: str
    title: str
    similarity: float


class Passage(BaseModel):
    paragraph_id: str
    document_id: str
    source_file: str
    text: str
    start: int
    end: int
    score: float
    title: str = ""
    date: str = ""
    kind: str = ""
    heading: str = ""
    language: str = "en"
    dense_score: float | None = None
    lexical_score: float | None = None
    agreement: list[Agreement] = Field(default_factory=list)
    page: int | None = None  # the source page (PDF) the passage starts on


class LLMReport(BaseModel):
    """What LLM mode made of the model's reply: claims proposed, admitted, dropped per check, and any fallback."""

    proposed: int = 0
    admitted: int = 0
    dropped: dict[str, int] = Field(default_factory=dict)
    fallback: str | None = None  # why the extractive answer stands instead: timeout, error, malformed reply, ...
    error: str | None = None
    first_claim_ms: float | None = None  # from the request to the model until the first admitted claim
    model_ms: float | None = None  # the whole exchange with the model


class ShortAnswer(BaseModel):
    """The shortest verbatim span stating the asked fact; `text` is the quote of citation `marker`."""

    text: str
    marker: int


class Answer(BaseModel):
    question: str
    answer: str
    refused: bool
    refusal_reason: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    mode: Literal["extractive", "llm"] = "extractive"
    retrieval_query: str = ""
    premise_corrected: bool = False
    llm: LLMReport | None = None
    short_answer: ShortAnswer | None = None
