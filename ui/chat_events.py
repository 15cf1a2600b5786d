"""Which Gradio requests ask the chat a question: they count against the rate limit, are logged, and are checked.

Gradio runs an event function from several routes (the queue, /run, /api, /call); each names the
function by `fn_index` in its JSON body or by API name in its path. The chat's answering events are
the ones in the concurrency group "answer" (ui/chat.py); their first input is the question.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import gradio as gr
from starlette.types import Scope

from ..index.tokens import count_tokens
from .limits import unpaired_surrogate

ANSWER_GROUP = "answer"
_RUN_PATH = re.compile(r"^/gradio_api/(?P<route>queue/join|run|api|call/v2|call)(?:/(?P<name>[^/]+))?/?$")


@dataclass(frozen=True)
class ChatQuestion:
    """An answering request: its question, and why it cannot be run as sent (None when it can)."""

    question: str
    problem: tuple[int, str, str] | None  # status, code, message


def _fits(component: Any, value: Any) -> bool:
    """Whether Gradio's preprocessing takes `value` for `component` without raising (and printing a traceback)."""
    if isinstance(component, gr.Slider):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and component.minimum <= value <= component.maximum
    if isinstance(component, gr.Checkbox):
        return isinstance(value, bool)
    if isinstance(component, gr.Textbox):
        return value is None or isinstance(value, str)
    if isinstance(component, gr.Dropdown):
        # Whether the ids are among the choices is checked per session by Gradio, in plain words.
        if component.multiselect:
            return value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        return value is None or isinstance(value, str)
    if isinstance(component, gr.Chatbot):
        return value is None or (
            isinstance(value, list) and all(isinstance(m, dict) and isinstance(m.get("role"), str) for m in value)
        )
    return True  # gr.State: the server keeps its value and ignores what the client sends


class ChatEvents:
    def __init__(self, blocks: Any, max_question_tokens: int) -> None:
        answering = [fn for fn in blocks.fns.values() if fn.concurrency_id == ANSWER_GROUP]
        self.fn_indices = frozenset(fn._id for fn in answering)
        self.api_names = frozenset(fn.api_name for fn in answering if fn.api_name)
        # The answering events all take the same inputs (ui/chat.py), the question first.
        self.inputs: list[Any] = list(answering[0].inputs) if answering else []
        self.max_question_tokens = max_question_tokens

    def may_run(self, scope: Scope) -> bool:
        return scope["type"] == "http" and scope["method"] == "POST" and bool(_RUN_PATH.match(scope["path"]))

    def question_in(self, path: str, body: bytes) -> ChatQuestion | None:
        """The question an answering request carries, checked; None when the request runs something else."""
        match = _RUN_PATH.match(path)
        try:
            payload = json.loads(body)
        except ValueError:
            return None
        if match is None or not isinstance(payload, dict):
            return None
        fn_index = payload.get("fn_index")
        if isinstance(fn_index, int):
            answering = fn_index in self.fn_indices
        else:
            # Gradio looks a function up by its API name only when the body names no index.
            answering = fn_index is None and match["name"] in self.api_names
        if not answering:
            return None
        data = payload.get("data")
        question = data[0] if isinstance(data, list) and data and isinstance(data[0], str) else ""
        if match["route"] != "queue/join":
            # The page asks through the queue; the other routes would only be a second way in to keep safe.
            return ChatQuestion(question, (404, "not_found", "the chat answers through its page; use POST /v1/ask"))
        return ChatQuestion(question, self._problem(data, question))

    def _problem(self, data: Any, question: str) -> tuple[int, str, str] | None:
        if not isinstance(data, list) or len(data) != len(self.inputs):
            return 422, "invalid_request", f"data: expected a list of {len(self.inputs)} inputs"
        for position, (component, value) in enumerate(zip(self.inputs, data, strict=True)):
            if not _fits(component, value):
                name = type(component).__name__.lower()
                return 422, "invalid_request", f"data[{position}]: not a valid value for the {name}"
        if unpaired_surrogate(question):
            return 422, "invalid_text", "question: the text contains an unpaired surrogate (\\ud800-\\udfff)"
        # Embedding time grows with tokens, not characters: the API's bound (ui/limits.py) holds here too.
        tokens = count_tokens(question)
        if tokens > self.max_question_tokens:
            message = f"question: {tokens} tokens, over the limit of {self.max_question_tokens}"
            return 422, "question_too_long", message
        return None
