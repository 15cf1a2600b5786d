"""Request and response bodies of the HTTP API beyond the answer object itself (qa.models)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..qa import Filters, Turn

DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
TOP_K = Field(
    None, ge=1, le=50, description="passages to retrieve (at least 5 are always returned); server default when unset"
)


class FilterSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document_ids: list[str] = Field(default_factory=list, max_length=200, description="only these documents")
    date_from: str | None = Field(None, pattern=DATE_PATTERN, description="documents dated on or after, e.g. 2016")
    date_to: str | None = Field(None, pattern=DATE_PATTERN, description="documents dated on or before, e.g. 2018-12-31")

    def to_filters(self) -> Filters:
        return Filters(tuple(self.document_ids), self.date_from or "", self.date_to or "")


class AskRequest(BaseModel):
    question: str = Field(description="the question; limited in length by the server's max_question_chars")
    history: list[Turn] = Field(default_factory=list, description="earlier turns, oldest first")
    top_k: int | None = TOP_K
    filters: FilterSpec | None = None


class PageRef(BaseModel):
    number: int = Field(description="1-based page of the source file")
    start: int
    end: int


class DocumentMeta(BaseModel):
    id: str
    title: str
    date: str
    date_inferred: list[str]
    kind: str
    language: str
    source_file: str
    sha256: str
    description: str
    characters: int
    format: str = Field("text", description="pdf, html, markdown, text or docx")
    extractor: str = Field("", description="name and version of what extracted the stored text from the file")
    pages: list[PageRef] = Field(default_factory=list, description="each source page's range in the text (PDF)")
    skipped_pages: int = Field(0, description="pages without a text layer (scans), left out of the text")
    derived_from: dict[str, str] = Field(
        default_factory=dict, description="where each metadata value came from (file metadata, header, catalog.json)"
    )


class DocumentList(BaseModel):
    documents: list[DocumentMeta]


class ParagraphRef(BaseModel):
    paragraph_id: str
    start: int
    end: int
    heading: str


class DocumentOut(DocumentMeta):
    text: str = Field(description="the full text; citation offsets index into it")
    paragraphs: list[ParagraphRef] = Field(description="the indexed paragraphs, in text order")


class ParagraphOut(BaseModel):
    paragraph_id: str
    document_id: str
    source_file: str
    title: str
    date: str
    text: str = Field(description="document text[start:end]")
    start: int
    end: int
    heading: str
    language: str
    role: str = Field(description="'body' for indexed paragraphs; title, heading, meta or boilerplate otherwise")


class Health(BaseModel):
    status: str
    ready: bool
    documents: int
    paragraphs: int
    build: str
    versions: dict[str, Any]
