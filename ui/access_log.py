"""One structured JSON line per request on the `citeqa.access` logger."""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("citeqa.access")
QUESTION_KEY = "citeqa.question"  # set in the request scope by routes that take a question
QUESTION_EVENT = "citeqa.question_event"  # set by the guard on a Gradio request that asks the chat
AUTHENTICATED = "citeqa.authenticated"  # set by the guard: the caller proved the key (always True without one)
_REFUSALS = frozenset({401, 429})


def note_question(scope: Scope, question: str) -> None:
    scope[QUESTION_KEY] = question


def client_of(scope: Scope) -> str:
    """The peer address; uvicorn replaces it with X-Forwarded-For only for CITEQA_TRUSTED_PROXIES (ui/serve.py)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def level_for(scope: Scope, status: int) -> int:
    """API calls, chat questions, sign-ins and refusals at INFO; the page, its assets and polling at DEBUG."""
    path = scope["path"]
    if path.startswith("/v1/") or scope.get(QUESTION_EVENT) or path == "/login" or status in _REFUSALS:
        return logging.INFO
    return logging.DEBUG


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp, log_questions: bool) -> None:
        self.app = app
        self.log_questions = log_questions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            # A stream is logged when it ends, so latency covers the whole response.
            self._write(scope, status, (time.perf_counter() - started) * 1000)

    def _write(self, scope: Scope, status: int, latency_ms: float) -> None:
        level = level_for(scope, status)
        if not log.isEnabledFor(level):
            return
        route = scope.get("route")
        record: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "method": scope["method"],
            "path": scope["path"],
            "route": getattr(route, "path", None),
            "status": status,
            "latency_ms": round(latency_ms, 1),
            "client": client_of(scope),
        }
        if scope.get(QUESTION_EVENT):
            record["event"] = "chat_question"
        if self.log_questions and QUESTION_KEY in scope:
            record["question"] = scope[QUESTION_KEY]
        log.log(level, json.dumps(record, ensure_ascii=False))


def configure_logging() -> None:
    """For a served process: citeqa's loggers write their lines as they are, to stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("citeqa")
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
