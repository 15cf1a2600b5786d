"""create_app(settings): one FastAPI process serving the HTTP API under /v1 and the chat at /."""

from __future__ import annotations

import os

# Gradio looks up remote hosts in background threads unless told not to, before it is imported.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import gradio as gr
from fastapi import FastAPI

from ..qa import Answerer
from ..settings import Settings
from .access_log import AccessLogMiddleware, configure_logging
from .api import package_versions, router
from .chat import build_chat, chat_mount_kwargs
from .errors import add_fallback, install_error_handlers
from .limits import BodyLimitMiddleware
from .openai_compat import router as openai_router
from .reload import LiveAnswerer
from .reload import router as reload_router
from .security import add_security

DESCRIPTION = (
    "Answers over a document corpus in which every claim cites a verbatim quote. "
    'Errors are `{"error": {"code": ..., "message": ...}}`.'
)


def create_app(settings: Settings, answerer: Answerer | None = None) -> FastAPI:
    """The whole server. Pass `answerer` to share one already loaded (tests, benchmarks)."""

    live = LiveAnswerer(settings, answerer)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Loading takes seconds: the server listens meanwhile, and /healthz answers 503 until it is done.
        if answerer is None:
            live.start()
        yield

    app = FastAPI(title="citeqa", version=package_versions()["citeqa"], description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.live = live
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(openai_router)
    app.include_router(reload_router)
    add_fallback(app, [router, openai_router, reload_router])
    # Added innermost first: the body limit sits under the guard, CORS over it, the access log outermost.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    chat = build_chat(live.get, settings, lambda: live.load_error)
    add_security(app, settings, chat)
    app.add_middleware(AccessLogMiddleware, log_questions=settings.log_questions)
    return gr.mount_gradio_app(app, chat, path="/", **chat_mount_kwargs())


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory ui.app:app_from_env` and for each of several workers."""
    configure_logging()
    return create_app(Settings())  # type: ignore[call-arg]
