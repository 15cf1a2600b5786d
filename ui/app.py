"""create_app(settings): one FastAPI process serving the HTTP API under /v1 and the chat at /."""

from __future__ import annotations

import os

# Gradio looks up remote hosts in background threads unless told not to, before it is imported.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import gradio as gr
from fastapi import FastAPI

from qa import Answerer
from ui import runtime
from ui.api import router
from ui.chat import build_chat
from ui.settings import Settings


def create_app(settings: Settings, answerer: Answerer | None = None) -> FastAPI:
    """The whole server. Pass `answerer` to share one already loaded (tests, benchmarks)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.answerer is None:
            app.state.answerer = runtime.make_answerer(settings)
        yield

    app = FastAPI(title="citeqa", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.answerer = answerer
    app.include_router(router)
    chat = build_chat(lambda: app.state.answerer, settings)
    return gr.mount_gradio_app(app, chat, path="/")
