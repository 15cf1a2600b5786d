"""Security: with an API key set, every route that answers needs it; rate limits per client; CORS.

Deny by default: with a key, only the login page and /healthz are open, so a route that Gradio adds
in a later version is covered too. A caller proves the key with `Authorization: Bearer <key>` or with
the signed session cookie that /login issues (ui/session.py).
"""

from __future__ import annotations

import hmac
import json
import math
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from ..settings import Settings
from .access_log import AUTHENTICATED, QUESTION_EVENT, client_of, note_question
from .chat_events import ChatEvents
from .errors import error_body
from .limits import API_PREFIX, ClientGone, read_body
from .schemas import document_limits
from .session import LOGIN_PATH, SESSION_COOKIE, SessionSigner
from .session import router as session_router

_MAX_CLIENTS = 10_000
PUBLIC_PATHS = frozenset({LOGIN_PATH, "/healthz"})


class TokenBucket:
    """`per_minute` requests per client, refilled continuously, bursts up to `per_minute`.

    Used from the event loop only, so no lock: `take` never awaits.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.per_second = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds until it would."""
        now = self.clock()
        tokens, then = self._buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - then) * self.per_second)
        if tokens >= 1:
            self._buckets[client] = (tokens - 1, now)
            self._forget_idle(now)
            return 0.0
        self._buckets[client] = (tokens, now)
        return (1 - tokens) / self.per_second

    def _forget_idle(self, now: float) -> None:
        # A client whose bucket has refilled is indistinguishable from a new one: drop it to bound memory.
        if len(self._buckets) > _MAX_CLIENTS:
            full_after = self.capacity / self.per_second
            self._buckets = {c: (t, at) for c, (t, at) in self._buckets.items() if now - at < full_after}


class Gate:
    """The key check and the two buckets, shared by the middleware and the login page.

    Failed attempts draw on their own bucket, so that someone guessing keys cannot spend the
    allowance of the client whose address they share.
    """

    def __init__(self, settings: Settings) -> None:
        self.key = settings.api_key.encode() if settings.api_key else None
        self.signer = SessionSigner(settings.api_key, settings.session_hours) if settings.api_key else None
        per_minute = settings.rate_limit_per_minute
        self.requests = TokenBucket(per_minute) if per_minute > 0 else None
        self.failures = TokenBucket(per_minute) if per_minute > 0 else None

    def key_matches(self, candidate: bytes) -> bool:
        return self.key is not None and hmac.compare_digest(candidate, self.key)

    def authorized(self, scope: Scope) -> bool:
        if self.key is None:
            return True
        headers = dict(scope["headers"])
        scheme, _, token = headers.get(b"authorization", b"").partition(b" ")
        if scheme.lower() == b"bearer" and self.key_matches(token.strip()):
            return True
        cookie = cookie_parser(headers.get(b"cookie", b"").decode("latin-1")).get(SESSION_COOKIE)
        return cookie is not None and self.signer is not None and self.signer.valid(cookie)

    def failed(self, client: str) -> float:
        """Count a failed attempt; the seconds to wait when there have been too many, else 0."""
        return self.failures.take(client) if self.failures is not None else 0.0

    def over_limit_message(self, wait: float) -> tuple[str, str]:
        retry = str(max(1, math.ceil(wait)))
        assert self.requests is not None
        return retry, f"over the limit of {int(self.requests.capacity)} requests per minute; retry in {retry} s"


class GuardMiddleware:
    """The key on every route but PUBLIC_PATHS, then the rate limit on /v1/* and on chat questions."""

    def __init__(self, app: ASGIApp, gate: Gate, chat_events: ChatEvents, max_body_bytes: int) -> None:
        self.app = app
        self.gate = gate
        self.chat_events = chat_events
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = client_of(scope)
        scope[AUTHENTICATED] = self.gate.authorized(scope)
        if not scope[AUTHENTICATED] and scope["path"] not in PUBLIC_PATHS:
            await self._refuse(scope, send, self.gate.failed(client))
            return
        counted = scope["type"] == "http" and scope["path"].startswith(API_PREFIX)
        if self.chat_events.may_run(scope):
            try:
                body = await read_body(receive, self.max_body_bytes)
            except ClientGone:
                return
            if body is None:
                await reply(send, 413, "body_too_large", f"the request body is over {self.max_body_bytes} bytes")
                return
            asked = self.chat_events.question_in(scope["path"], body)
            if asked is not None:
                counted = True
                scope[QUESTION_EVENT] = True
                note_question(scope, asked.question)
                if asked.problem is not None:
                    # Refused here in the API's shape, before Gradio would print a traceback for it.
                    await reply(send, *asked.problem)
                    return
            receive = _replaying(body, receive)
        if counted and self.gate.requests is not None:
            wait = self.gate.requests.take(client)
            if wait > 0:
                retry, message = self.gate.over_limit_message(wait)
                await reply(send, 429, "rate_limited", message, [(b"retry-after", retry.encode())])
                return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send, wait: float) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if wait > 0:
            retry = str(max(1, math.ceil(wait)))
            message = f"too many requests without a valid key; retry in {retry} s"
            await reply(send, 429, "rate_limited", message, [(b"retry-after", retry.encode())])
            return
        headers = dict(scope["headers"])
        if scope["method"] in ("GET", "HEAD") and b"text/html" in headers.get(b"accept", b""):
            # A browser opening the chat (or the docs) is sent to sign in, not shown JSON.
            await send({"type": "http.response.start", "status": 303, "headers": [(b"location", LOGIN_PATH.encode())]})
            await send({"type": "http.response.body", "body": b""})
            return
        await reply(
            send,
            401,
            "unauthorized",
            "a valid API key is required: send the header 'Authorization: Bearer <key>', or sign in at /login",
            [(b"www-authenticate", b'Bearer realm="citeqa"')],
        )


def _replaying(body: bytes, receive: Receive) -> Receive:
    replayed = False

    async def replay() -> dict[str, Any]:
        nonlocal replayed
        if replayed:
            return dict(await receive())
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def reply(
    send: Send, status: int, code: str, message: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps(error_body(code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def add_security(app: FastAPI, settings: Settings, chat: Any) -> None:
    """The login page, the guard (knowing the chat's answering events) and CORS; limits and key in the docs.

    Middleware is added innermost first: CORS must wrap the guard so that preflights and 401/429s carry it.
    """
    app.state.gate = Gate(settings)
    app.include_router(session_router)
    document_limits(app, settings)
    app.add_middleware(
        GuardMiddleware,
        gate=app.state.gate,
        chat_events=ChatEvents(chat, settings.max_question_tokens),
        max_body_bytes=settings.max_body_bytes,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
