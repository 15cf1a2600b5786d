"""OpenAI-compatible chat completions (model `citeqa`), so existing OpenAI clients can ask the corpus.

The last user message is the question and earlier user/assistant messages are the history. The
reply text ends with the quotes, numbered as the answer's markers, and the structured citations
travel in an extra field `citations` (on the message, and on the final chunk of a stream).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from ..corpus.text import quoted
from ..index.tokens import count_tokens
from ..qa import Answer, AnswerDone, Citation, TextDelta, Turn
from .access_log import note_question
from .api import SSE_HEADERS, AnswererDep, SettingsDep
from .errors import ERROR_RESPONSES, ApiError
from .limits import StreamFailed, TimedStream, check_question, run_with_deadline
from .schemas import TOP_K, TopK

MODEL = "citeqa"
router = APIRouter(responses=ERROR_RESPONSES)


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: StrictBool = False


class ChatRequest(BaseModel):
    # Sampling options (temperature, max_tokens, ...) are accepted and ignored: answers are extractive.
    model_config = ConfigDict(extra="allow")

    model: str = Field(description=f"must be {MODEL!r}")
    messages: list[ChatMessage] = Field(min_length=1)
    stream: StrictBool = False
    stream_options: StreamOptions | None = None
    top_k: TopK = TOP_K


def _conversation(body: ChatRequest, max_history_turns: int) -> tuple[str, list[Turn]]:
    """The question is the last user message with text; what follows it (a system note, say) is not a turn.

    The OpenAPI document says the same with `contains` and `maxItems` (ui/schemas.py), so that every
    request it calls valid is answered.
    """
    if body.model != MODEL:
        raise ApiError(404, "model_not_found", f"model {body.model!r} does not exist; use {MODEL!r}")
    if len(body.messages) > max_history_turns + 1:
        message = f"messages: {len(body.messages)}, over the limit of {max_history_turns + 1}"
        raise ApiError(422, "history_too_long", message)
    if not any(m.role == "user" for m in body.messages):
        raise ApiError(422, "invalid_request", "messages: there is no user message to answer")
    asked = [i for i, m in enumerate(body.messages) if m.role == "user" and m.text().strip()]
    if not asked:
        raise ApiError(422, "empty_question", "messages: the question is empty")
    last = asked[-1]
    earlier = body.messages[:last]
    history = [Turn(role=m.role, content=m.text()) for m in earlier if m.role in ("user", "assistant")]  # type: ignore[arg-type]
    return body.messages[last].text(), history


def sources(citations: list[Citation]) -> str:
    """The quotes, numbered as the answer's markers, appended to the reply text."""
    if not citations:
        return ""
    lines = [f"[{c.marker}] {quoted(c.quote)} ({c.title}, {c.date}; {c.paragraph_id})" for c in citations]
    return "\n\nSources:\n" + "\n".join(lines)


def _citations(answer: Answer) -> list[dict[str, Any]]:
    return [c.model_dump(mode="json") for c in answer.citations]


def _usage(body: ChatRequest, completion: str) -> dict[str, int]:
    prompt = sum(count_tokens(m.text()) for m in body.messages)
    completed = count_tokens(completion)
    return {"prompt_tokens": prompt, "completion_tokens": completed, "total_tokens": prompt + completed}


@router.get("/v1/models", summary="Models (OpenAI-compatible): only citeqa")
async def models() -> dict[str, Any]:
    return {"object": "list", "data": [_model_card()]}


@router.get("/v1/models/{model}", summary="One model (OpenAI-compatible)")
async def model(model: str) -> dict[str, Any]:
    if model != MODEL:
        raise ApiError(404, "model_not_found", f"model {model!r} does not exist; use {MODEL!r}")
    return _model_card()


def _model_card() -> dict[str, Any]:
    return {"id": MODEL, "object": "model", "created": 0, "owned_by": "citeqa"}


@router.post(
    "/v1/chat/completions",
    summary="Chat completions (OpenAI-compatible)",
    responses={200: {"content": {"application/json": {}, "text/event-stream": {}}}},
    response_model=None,
)
async def chat_completions(
    body: ChatRequest, request: Request, answerer: AnswererDep, settings: SettingsDep
) -> dict[str, Any] | StreamingResponse:
    question, history = _conversation(body, settings.max_history_turns)
    check_question(settings, question, history)
    note_question(request.scope, question)
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    limit = settings.request_timeout
    if not body.stream:
        answer = await run_with_deadline(lambda: answerer.ask(question, history, top_k=body.top_k), limit)
        text = answer.answer + sources(answer.citations)
        message = {"role": "assistant", "content": text, "refusal": None, "citations": _citations(answer)}
        return {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": MODEL,
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}],
            "usage": _usage(body, text),
        }
    events = answerer.stream(question, history, top_k=body.top_k)
    stream = await TimedStream(events, limit).start()
    chunks = _chunks(body, stream, completion_id, created)
    return StreamingResponse(chunks, media_type="text/event-stream", headers=SSE_HEADERS)


async def _chunks(body: ChatRequest, stream: TimedStream, completion_id: str, created: int) -> AsyncIterator[str]:
    head = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL}

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return f"data: {json.dumps({**head, 'choices': [choice], **extra}, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    text = ""
    async for event in stream.items():
        match event:
            case TextDelta(piece):
                text += piece
                yield chunk({"content": piece})
            case AnswerDone(answer):
                tail = sources(answer.citations)
                text += tail
                if tail:
                    yield chunk({"content": tail})
                yield chunk({}, "stop", citations=_citations(answer))
            case StreamFailed(error):
                # OpenAI clients raise an APIError for a chunk that carries `error`.
                yield f"data: {json.dumps({'error': {'code': error.code, 'message': error.message}})}\n\n"
                return
    if body.stream_options is not None and body.stream_options.include_usage:
        yield f"data: {json.dumps({**head, 'choices': [], 'usage': _usage(body, text)})}\n\n"
    yield "data: [DONE]\n\n"
