"""Security when configured: a bearer API key and a per-client rate limit on /v1/*, and CORS."""

from __future__ import annotations

import hmac
import json
import math
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from ..settings import Settings
from .errors import error_body
from .limits import API_PREFIX

_MAX_CLIENTS = 10_000


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


class GuardMiddleware:
    """Rate limit, then API key, on /v1/* only: /healthz and the chat page stay open."""

    def __init__(self, app: ASGIApp, api_key: str | None, per_minute: int) -> None:
        self.app = app
        self.api_key = api_key.encode() if api_key else None
        self.bucket = TokenBucket(per_minute) if per_minute > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        if self.bucket is not None:
            client = scope["client"][0] if scope.get("client") else "unknown"
            wait = self.bucket.take(client)
            if wait > 0:
                retry = str(max(1, math.ceil(wait)))
                message = f"over the limit of {int(self.bucket.capacity)} requests per minute; retry in {retry} s"
                await _reply(send, 429, "rate_limited", message, [(b"retry-after", retry.encode())])
                return
        if self.api_key is not None and not self._authorized(scope):
            await _reply(
                send,
                401,
                "unauthorized",
                "a valid API key is required: send the header 'Authorization: Bearer <key>'",
                [(b"www-authenticate", b'Bearer realm="citeqa"')],
            )
            return
        await self.app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        assert self.api_key is not None
        header = dict(scope["headers"]).get(b"authorization", b"")
        scheme, _, token = header.partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(token.strip(), self.api_key)


async def _reply(send: Send, status: int, code: str, message: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps(error_body(code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


def add_security(app: FastAPI, settings: Settings) -> None:
    """Middleware is added innermost first: CORS must wrap the guard so that preflights and 401/429s carry it."""
    app.add_middleware(GuardMiddleware, api_key=settings.api_key, per_minute=settings.rate_limit_per_minute)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
    if settings.api_key:
        _document_bearer(app)


def _document_bearer(app: FastAPI) -> None:
    """Show the key requirement in /docs (it is enforced by the middleware, not per route)."""
    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = plain_openapi()
            schema.setdefault("components", {})["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            for path, operations in schema.get("paths", {}).items():
                if path.startswith(API_PREFIX):
                    for operation in operations.values():
                        operation["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
