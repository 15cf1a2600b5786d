"""Request limits: body size (before parsing), question and history length, and time."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, TypeVar

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..corpus import CiteqaError
from ..qa import Turn
from ..settings import Settings
from .errors import ApiError, api_error_for, error_body

T = TypeVar("T")
log = logging.getLogger("citeqa.api")
API_PREFIX = "/v1/"


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
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                # Later reads are how a streaming response learns that the client went away.
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

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


def check_question(settings: Settings, question: str, history: Sequence[Turn]) -> None:
    if not question.strip():
        raise ApiError(422, "empty_question", "question: the question is empty")
    if len(question) > settings.max_question_chars:
        raise ApiError(
            422,
            "question_too_long",
            f"question: {len(question)} characters, over the limit of {settings.max_question_chars}",
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


class TimedStream:
    """Answerer.stream() events, each computed in a worker thread, under one deadline for the whole stream."""

    def __init__(self, events: Iterator[tuple[str, Any]], limit: float) -> None:
        self._events = events
        self._limit = limit
        self._deadline = anyio.current_time() + limit
        self._first: tuple[str, Any] | None = None

    async def start(self) -> TimedStream:
        """Wait for the first event before any response starts, so that a rejected question is a plain 4xx."""
        self._first = await self._next()
        return self

    async def _next(self) -> tuple[str, Any] | None:
        remaining = self._deadline - anyio.current_time()
        if remaining <= 0:
            raise _timeout(self._limit)
        item = await run_with_deadline(lambda: next(self._events, _END), remaining, limit=self._limit)
        return None if item is _END else item  # type: ignore[return-value]

    async def items(self) -> AsyncIterator[tuple[str, Any]]:
        """The events in order; a failure once streaming has begun ends them with ("error", ApiError)."""
        item = self._first
        try:
            while item is not None:
                yield item
                item = await self._next()
        except ApiError as exc:
            yield "error", exc
        except Exception:
            # The status line is already sent: the client learns of the failure from the event, the log keeps the traceback.
            log.exception("answer stream failed")
            yield "error", ApiError(500, "internal_error", "an unexpected error occurred; it has been logged")
