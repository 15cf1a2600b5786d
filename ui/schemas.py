"""Request and response bodies of the HTTP API beyond the answer object itself (qa.models)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..qa import Filters, Turn
from ..settings import Settings

DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


def _json_integer(value: Any) -> Any:
    # JSON Schema counts 35.0 as an integer, so pydantic may take it; "5" and true are not numbers at all.
    if isinstance(value, str | bool):
        raise ValueError("must be a JSON number, not a string or a boolean")
    return value


# Optional: None means the server's default.
TopK = Annotated[int | None, BeforeValidator(_json_integer)]
TOP_K = Field(
    None, ge=1, le=50, description="passages to retrieve (at least 5 are always returned); server default when unset"
)
# Not blank: holds a character that str.strip() keeps. Spelled as an explicit class, because what `\S`
# means differs between Python, JSON Schema's ECMA-262 and Rust regexes (U+001F, for one).
NOT_BLANK = "[^" + "".join(f"\\u{c:04x}" for c in range(0x3001) if chr(c).isspace()) + "]"
PYTHON_REGEX = ConfigDict(regex_engine="python-re")
# At least one user message must hold the question (ui/openai_compat.py answers the last such).
ASKING_MESSAGE = {
    "type": "object",
    "properties": {"role": {"const": "user"}, "content": {"type": "string", "pattern": NOT_BLANK}},
    "required": ["role", "content"],
}
PUBLIC_OPERATIONS = frozenset({"/healthz"})  # answers without the key, with less detail


class FilterSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document_ids: list[str] = Field(default_factory=list, max_length=200, description="only these documents")
    date_from: str | None = Field(None, pattern=DATE_PATTERN, description="documents dated on or after, e.g. 2016")
    date_to: str | None = Field(None, pattern=DATE_PATTERN, description="documents dated on or before, e.g. 2018-12-31")

    def to_filters(self) -> Filters:
        return Filters(tuple(self.document_ids), self.date_from or "", self.date_to or "")


class AskRequest(BaseModel):
    model_config = PYTHON_REGEX

    question: str = Field(
        min_length=1,
        pattern=NOT_BLANK,
        description="the question: not blank, at most max_question_chars characters and max_question_tokens tokens",
    )
    history: list[Turn] = Field(default_factory=list, description="earlier turns, oldest first")
    top_k: TopK = TOP_K
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
    page: int | None = Field(None, description="the source page (PDF) the paragraph starts on")


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
    page: int | None = Field(None, description="the source page (PDF) the paragraph starts on")


class Health(BaseModel):
    status: str
    ready: bool
    documents: int
    paragraphs: int
    build: str
    versions: dict[str, Any] | None = Field(None, description="package and index versions; only with the API key")


def document_limits(app: FastAPI, settings: Settings) -> None:
    """Put the server's configured limits (and the key, when one is set) into the OpenAPI document.

    The request models are static, the limits are settings: without this a client (or a schema fuzzer)
    would be told that a 3,000-character question or 50 history turns are valid.
    """
    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = plain_openapi()
            models = schema.get("components", {}).get("schemas", {})
            for name in ("AskRequest", "ChatRequest"):
                properties = models.get(name, {}).get("properties", {})
                if "question" in properties:
                    properties["question"]["maxLength"] = settings.max_question_chars
                if "history" in properties:
                    properties["history"]["maxItems"] = settings.max_history_turns
                if "messages" in properties:
                    properties["messages"]["maxItems"] = settings.max_history_turns + 1
                    properties["messages"]["contains"] = ASKING_MESSAGE
            if settings.api_key:
                _document_bearer(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document_bearer(schema: dict[str, Any]) -> None:
    """The key is enforced by the middleware, not per route, so the document is told here."""
    schema.setdefault("components", {})["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    for path, operations in schema.get("paths", {}).items():
        if path not in PUBLIC_OPERATIONS:
            for operation in operations.values():
                operation["security"] = [{"bearer": []}]
