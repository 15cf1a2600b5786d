"""Request limits: body size (before parsing), question and history length, and time."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..corpus import CiteqaError
from ..index.tokens import count_tokens
from ..qa import Event, Turn
from ..settings import Settings
from .errors import ApiError, api_error_for, error_body

T = TypeVar("T")
log = logging.getLogger("citeqa.api")
API_PREFIX = "/v1/"


class ClientGone(Exception):
    """The client disconnected before its request body had arrived."""


async def read_body(receive: Receive, max_bytes: int) -> bytes | None:
    """The whole request body, or None as soon as it is known to be over `max_bytes`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class BodyLimitMiddleware:
    """Reject API bodies over `max_bytes` with 413 before anything parses them.

    A declared Content-Length is checked up front; a chunked body (or one without a length) is read
    here, counting, and handed on only once it is known to fit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._too_large(send)
            return
        try:
            body = await read_body(receive, self.max_bytes)
        except ClientGone:
            return
        if body is None:
            await self._too_large(send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                # Later reads are how a streaming response learns that the client went away.
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        body = json.dumps(
            error_body("body_too_large", f"the request body is over the limit of {self.max_bytes} bytes")
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def unpaired_surrogate(text: str) -> bool:
    # JSON can spell a lone surrogate ("\\ud800"); it is no character, and nothing below can encode it.
    # pydantic refuses it in a plain string field but not inside a union (OpenAI's content); json.loads lets it through.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_question(settings: Settings, question: str, history: Sequence[Turn]) -> None:
    """The limits that bound the work of one question, checked before anything is embedded."""
    if not question.strip():
        raise ApiError(422, "empty_question", "question: the question is empty")
    if len(question) > settings.max_question_chars:
        raise ApiError(
            422,
            "question_too_long",
            f"question: {len(question)} characters, over the limit of {settings.max_question_chars}",
        )
    if any(unpaired_surrogate(text) for text in (question, *(turn.content for turn in history))):
        raise ApiError(422, "invalid_text", "question or history: the text contains an unpaired surrogate")
    # Embedding time grows with tokens, not characters: 2,000 emoji are 4,000 tokens, 2,000 characters of words ~400.
    tokens = count_tokens(question)
    if tokens > settings.max_question_tokens:
        raise ApiError(
            422,
            "question_too_long",
            f"question: {tokens} tokens, over the limit of {settings.max_question_tokens}",
        )
    if len(history) > settings.max_history_turns:
        raise ApiError(
            422,
            "history_too_long",
            f"history: {len(history)} turns, over the limit of {settings.max_history_turns}",
        )


def _timeout(seconds: float) -> ApiError:
    return ApiError(504, "timeout", f"no answer within the time limit of {seconds:g} s")


async def run_with_deadline(call: Callable[[], T], seconds: float, *, limit: float | None = None) -> T:
    """Run blocking work in a worker thread, giving up after `seconds` (what is left of `limit`).

    The thread cannot be interrupted; it is abandoned and finishes on its own, but the client gets
    its 504 on time.
    """
    try:
        with anyio.fail_after(seconds):
            return await anyio.to_thread.run_sync(call, abandon_on_cancel=True)
    except TimeoutError:
        raise _timeout(limit or seconds) from None
    except CiteqaError as exc:
        raise api_error_for(exc) from exc


_END = object()


@dataclass(frozen=True)
class StreamFailed:
    """The last event of a stream that failed after its response had started."""

    error: ApiError


class TimedStream:
    """Answerer.stream() events, each computed in a worker thread, under one deadline for the whole stream."""

    def __init__(self, events: Iterator[Event], limit: float) -> None:
        self._events = events
        self._limit = limit
        self._deadline = anyio.current_time() + limit
        self._first: Event | None = None

    async def start(self) -> TimedStream:
        """Wait for the first event before any response starts, so that a rejected question is a plain 4xx."""
        self._first = await self._next()
        return self

    async def _next(self) -> Event | None:
        remaining = self._deadline - anyio.current_time()
        if remaining <= 0:
            raise _timeout(self._limit)
        item = await run_with_deadline(lambda: next(self._events, _END), remaining, limit=self._limit)
        return None if item is _END else item  # type: ignore[return-value]

    async def items(self) -> AsyncIterator[Event | StreamFailed]:
        """The events in order; a failure once streaming has begun ends them with StreamFailed."""
        item = self._first
        try:
            while item is not None:
                yield item
                item = await self._next()
        except ApiError as exc:
            yield StreamFailed(exc)
        except Exception:
            # The status line is already sent: the client learns of the failure from the event, the log keeps the traceback.
            log.exception("answer stream failed")
            yield StreamFailed(ApiError(500, "internal_error", "an unexpected error occurred; it has been logged"))
