"""HTTP API routes under /v1 and /healthz (contract: ../shared/docs/contract.md)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from ..qa import Answer, AnswerDone, Answerer, CitationAdded, Filters, PassagesFound, TextDelta
from ..settings import Settings
from .access_log import AUTHENTICATED, note_question
from .errors import ERROR_RESPONSES, ApiError, error_body
from .limits import StreamFailed, TimedStream, check_question, run_with_deadline
from .reload import LiveAnswerer
from .schemas import AskRequest, DocumentList, DocumentMeta, DocumentOut, Health, ParagraphOut, ParagraphRef

router = APIRouter(responses=ERROR_RESPONSES)
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_PACKAGES = ("citeqa", "chromadb", "llama-index-core", "fastapi", "gradio")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_answerer(request: Request) -> Answerer:
    live: LiveAnswerer = request.app.state.live
    answerer = live.get()
    if answerer is None:
        failed = live.load_error
        if failed:
            raise ApiError(503, "index_unavailable", f"the index could not be loaded: {failed}")
        raise ApiError(503, "not_ready", "the index and models are still loading; retry shortly")
    return answerer


SettingsDep = Annotated[Settings, Depends(get_settings)]
AnswererDep = Annotated[Answerer, Depends(get_answerer)]


def sse(event: str | None, data: Any) -> str:
    """One server-sent event; JSON data keeps newlines in answer text from ending the event early."""
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"


def question_filters(body: AskRequest, answerer: Answerer) -> Filters:
    if body.filters is None:
        return Filters()
    unknown = [d for d in body.filters.document_ids if d not in answerer.index.documents]
    if unknown:
        # 404 like GET /v1/documents/{id}: the request is well formed, the documents do not exist.
        raise ApiError(404, "unknown_document", f"filters.document_ids: unknown document ids {unknown[:5]}")
    return body.filters.to_filters()


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    versions = {}
    for name in _PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@router.get(
    "/healthz",
    response_model=Health,
    summary="Readiness: the index is loaded",
    description="Open to everybody; when an API key is configured, `versions` only comes with the key.",
)
async def healthz(request: Request) -> Health:
    index = get_answerer(request).index
    manifest = index.manifest
    # Versions tell an attacker which known flaws to try: only callers with the key see them.
    versions = {
        **package_versions(),
        "embedder": manifest.get("embedder"),
        "chunker": manifest.get("chunker_version"),
        "index_format": manifest.get("format_version"),
    }
    return Health(
        status="ok",
        ready=True,
        documents=len(index.documents),
        paragraphs=len(index.body_ids),
        build=index.build.name,
        versions=versions if request.scope.get(AUTHENTICATED, True) else None,
    )


@router.post("/v1/ask", response_model=Answer, summary="Answer a question with verbatim citations")
async def ask(body: AskRequest, request: Request, answerer: AnswererDep, settings: SettingsDep) -> Answer:
    check_question(settings, body.question, body.history)
    note_question(request.scope, body.question)
    filters = question_filters(body, answerer)
    return await run_with_deadline(
        lambda: answerer.ask(body.question, body.history, top_k=body.top_k, filters=filters),
        settings.request_timeout,
    )


@router.post(
    "/v1/ask/stream",
    response_class=StreamingResponse,
    summary="Answer as server-sent events",
    description=(
        "Events in order: `passages` ({passages: [...]}), `delta` ({text}) for each piece of the answer, "
        "`citation` (one citation object) for each citation, then `done` (the full answer object, as "
        "/v1/ask returns it). A failure after the stream has started is an `error` event with the JSON "
        "error shape, and ends the stream."
    ),
    responses={200: {"content": {"text/event-stream": {}}, "description": "server-sent events"}},
)
async def ask_stream(
    body: AskRequest, request: Request, answerer: AnswererDep, settings: SettingsDep
) -> StreamingResponse:
    check_question(settings, body.question, body.history)
    note_question(request.scope, body.question)
    filters = question_filters(body, answerer)
    events = answerer.stream(body.question, body.history, top_k=body.top_k, filters=filters)
    stream = await TimedStream(events, settings.request_timeout).start()
    return StreamingResponse(_answer_events(stream), media_type="text/event-stream", headers=SSE_HEADERS)


async def _answer_events(stream: TimedStream) -> AsyncIterator[str]:
    async for event in stream.items():
        match event:
            case PassagesFound(passages):
                yield sse("passages", {"passages": [p.model_dump(mode="json") for p in passages]})
            case TextDelta(text):
                yield sse("delta", {"text": text})
            case CitationAdded(citation):
                yield sse("citation", citation.model_dump(mode="json"))
            case AnswerDone(answer):
                yield sse("done", answer.model_dump(mode="json"))
            case StreamFailed(error):
                yield sse("error", error_body(error.code, error.message))


@router.get("/v1/documents", response_model=DocumentList, summary="The corpus catalog")
async def documents(answerer: AnswererDep) -> DocumentList:
    return DocumentList(
        documents=[DocumentMeta.model_validate(d.metadata()) for d in answerer.index.documents.values()]
    )


@router.get("/v1/documents/{document_id}", response_model=DocumentOut, summary="One document: text and metadata")
async def document(document_id: str, answerer: AnswererDep) -> DocumentOut:
    index = answerer.index
    doc = index.documents.get(document_id)
    if doc is None:
        raise ApiError(404, "unknown_document", f"no document {document_id!r}; GET /v1/documents lists them")
    paragraphs = sorted(
        (c for c in index.chunks.values() if c.document_id == doc.id and c.searchable), key=lambda c: c.start
    )
    return DocumentOut(
        **doc.metadata(),  # type: ignore[arg-type]
        text=doc.text,
        paragraphs=[
            ParagraphRef(paragraph_id=c.id, start=c.start, end=c.end, heading=c.heading, page=c.page)
            for c in paragraphs
        ],
    )


@router.get(
    "/v1/paragraphs/{paragraph_id}",
    response_model=ParagraphOut,
    summary="One paragraph",
    description=(
        "Paragraph ids contain '#' (e.g. `doc-id#p07`): send it URL-encoded as %23. A long paragraph is "
        "indexed in parts (`doc-id#p07.1`, ...): each part has its own id, and the paragraph's id returns it whole."
    ),
)
async def paragraph(paragraph_id: str, answerer: AnswererDep) -> ParagraphOut:
    index = answerer.index
    chunk = index.chunks.get(paragraph_id)
    # A long paragraph is indexed in parts ("doc#p07.1", "doc#p07.2"); its own id names them all.
    parts = [chunk] if chunk is not None else [c for c in index.chunks.values() if c.id.startswith(f"{paragraph_id}.")]
    if not parts:
        hint = "" if "#" in paragraph_id else " (ids look like 'document-id#p07'; encode '#' as %23)"
        raise ApiError(404, "unknown_paragraph", f"no paragraph {paragraph_id!r}{hint}")
    first = min(parts, key=lambda c: c.start)
    start, end = first.start, max(c.end for c in parts)
    doc = index.documents[first.document_id]
    return ParagraphOut(
        paragraph_id=paragraph_id,
        document_id=doc.id,
        source_file=doc.source_file,
        title=doc.title,
        date=doc.date,
        text=doc.text[start:end],
        start=start,
        end=end,
        heading=first.heading,
        language=first.language,
        role=first.role,
        page=first.page,
    )
