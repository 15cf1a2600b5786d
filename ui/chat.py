"""The Gradio chat, mounted on the same FastAPI app; it calls the answerer in-process."""

from __future__ import annotations

import os
from collections.abc import Callable

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from qa import Answerer, Turn
from ui.settings import Settings


def build_chat(get_answerer: Callable[[], Answerer], settings: Settings) -> gr.Blocks:
    def respond(message: str, history: list[dict[str, str]]) -> str:
        turns = [Turn(role=h["role"], content=str(h["content"])) for h in history]  # type: ignore[arg-type]
        return get_answerer().ask(message, turns, top_k=settings.top_k).answer

    with gr.Blocks(title="citeqa") as blocks:
        gr.ChatInterface(respond)
    return blocks
