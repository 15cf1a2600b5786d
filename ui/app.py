"""create_app(settings): one FastAPI process serving the HTTP API under /v1 and the chat at /."""

from __future__ import annotations

import os

# Gradio looks up remote hosts in background threads unless told not to, before it is imported.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from qa import Answerer
from ui import runtime
from ui.settings import Settings


def create_app(settings: Settings, answerer: Answerer | None = None) -> FastAPI:
    """The whole server. Pass `answerer` to share one already loaded (tests, benchmarks)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.answerer = answerer or runtime.make_answerer(settings)
        yield

    app = FastAPI(title="citeqa", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.answerer = answerer
    return app
