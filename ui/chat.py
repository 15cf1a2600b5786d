"""The Gradio chat, mounted on the same FastAPI app; it calls the answerer in-process.

Answers stream into the chat; beside it the sources panel shows each quote highlighted in its
paragraph, and opens the whole document scrolled to it without leaving the page (ui/chat_render.py).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from html import escape
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from ..corpus.errors import CiteqaError
from ..qa import Answer, AnswerDone, Answerer, Filters, PassagesFound, TextDelta, Turn
from ..settings import Settings
from .chat_assets import CSS, SOURCES_JS
from .chat_render import answer_html, catalog_html, loading_html, refusal_html, sources_html

log = logging.getLogger(__name__)

EXAMPLES = (
    "What did Xi say about core technologies?",
    "What are the signs of a network power?",
    "Where was the 2023 national conference held?",
)
# The answerer retrieves at least this many passages whatever top_k asks for.
MIN_PASSAGES = 5
MAX_PASSAGES = 20
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_SYSTEM_FONTS = ["ui-sans-serif", "system-ui", "sans-serif"]
_SYSTEM_MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]

Messages = list[dict[str, Any]]
Turns = list[dict[str, str]]


class Notice(Exception):
    """Something the user can fix or wait out: one line under the question box, never a toast over the page."""


def chat_mount_kwargs() -> dict[str, Any]:
    """Keyword arguments for `gr.mount_gradio_app`: in Gradio 6 the page theme is set there, not on `gr.Blocks`.

    System fonts, so the page fetches no font files; no run history, so questions are not kept in the
    browser's storage; no footer link to Gradio's API page, which would be mistaken for citeqa's /v1 API.
    """
    return {
        "theme": gr.themes.Default(font=_SYSTEM_FONTS, font_mono=_SYSTEM_MONO),
        "run_history": False,
        "footer_links": ["settings"],
    }


def _filters(document_ids: list[str] | None, date_from: str, date_to: str) -> Filters:
    date_from, date_to = (date_from or "").strip(), (date_to or "").strip()
    for label, value in (("From", date_from), ("To", date_to)):
        if value and not _DATE.fullmatch(value):
            raise Notice(f"“{label} date” must look like 2016, 2016-04 or 2016-04-19, not “{value}”.")
    if date_from and date_to and date_from > date_to:
        raise Notice("“From date” is after “To date”: no document can match.")
    return Filters(document_ids=tuple(document_ids or ()), date_from=date_from, date_to=date_to)


def _plain(error: Exception) -> str:
    message = str(error) or type(error).__name__
    return message[:1].upper() + message[1:]


def _notice_html(message: str) -> str:
    return f'<p class="cq-notice" role="alert">{escape(message)}</p>'


def _wait(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": f'<p class="cq-wait">{escape(text)}</p>'}


def build_chat(
    get_answerer: Callable[[], Answerer | None],
    settings: Settings,
    load_error: Callable[[], str | None] = lambda: None,
) -> gr.Blocks:
    """The chat page. `get_answerer` returns None while the app is still loading the index, or when loading
    failed: then `load_error` says why, so the page does not promise an index that will never come."""

    def answerer() -> Answerer:
        current = get_answerer()
        if current is None:
            failed = load_error()
            if failed:
                raise Notice(f"The index could not be loaded: {failed}")
            raise Notice("The index is still loading. Try again in a moment.")
        return current

    def start() -> tuple[str, gr.Dropdown, gr.Timer]:
        """The catalog and the document choices; until the index has loaded, a note and a timer to look again."""
        current = get_answerer()
        if current is None:
            return loading_html(), gr.Dropdown(), gr.Timer(active=True)
        documents = sorted(current.index.documents.values(), key=lambda d: d.date)
        choices = [(f"{d.title} ({d.date})", d.id) for d in documents]
        return catalog_html(documents), gr.Dropdown(choices=choices), gr.Timer(active=False)

    def pick_example(selected: gr.SelectData) -> str:
        return str(selected.value["text"])

    def new_conversation() -> tuple[Messages, str, Turns, str, str]:
        return [], start()[0], [], "", ""

    def checked(
        question: str, document_ids: list[str] | None, date_from: str, date_to: str
    ) -> tuple[Filters, Answerer]:
        if not question:
            raise Notice("Type a question first.")
        if len(question) > settings.max_question_chars:
            raise Notice(f"The question is too long: keep it under {settings.max_question_chars} characters.")
        return _filters(document_ids, date_from, date_to), answerer()

    def respond(
        question: str,
        messages: Messages,
        turns: Turns,
        top_k: float,
        document_ids: list[str] | None,
        date_from: str,
        date_to: str,
        use_llm: bool,
    ) -> Iterator[tuple[Any, Any, Any, Any, Any]]:
        """Streams (chat, sources panel, history, question box, notice); a problem leaves the chat as it was."""
        question = (question or "").strip()
        try:
            filters, qa = checked(question, document_ids, date_from, date_to)
        except Notice as notice:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), _notice_html(str(notice))
            return
        history = [Turn.model_validate(t) for t in turns][-settings.max_history_turns :]
        shown = [*messages, {"role": "user", "content": f"<p>{escape(question)}</p>"}, _wait("Searching the corpus…")]
        yield shown, gr.skip(), gr.skip(), "", ""
        text, answer, problem = "", None, None
        try:
            for event in qa.stream(question, history, top_k=int(top_k), filters=filters, use_llm=use_llm):
                match event:
                    case AnswerDone(done):
                        answer = done
                    case PassagesFound(passages):
                        shown[-1] = _wait(f"Checking quotes in {len(passages)} passages…")
                        yield shown, gr.skip(), gr.skip(), gr.skip(), gr.skip()
                    case TextDelta(piece):
                        text += piece
                        shown[-1] = {"role": "assistant", "content": answer_html(text)}
                        yield shown, gr.skip(), gr.skip(), gr.skip(), gr.skip()
                # Citations come after the text; the panel shows them all with the finished answer.
        except CiteqaError as exc:
            problem = _plain(exc)
        except Exception:
            # An unexpected failure still reaches the user in plain words; the details go to the server log.
            log.exception("chat answer failed")
            problem = "Something went wrong while answering. Try again; the server log has the details."
        if answer is None:
            # Put the conversation and the question back as they were, so the user can fix and resend.
            problem = problem or "The answerer stopped without an answer. Try again."
            yield messages, gr.skip(), gr.skip(), question, _notice_html(problem)
            return
        turns = [*turns, {"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
        turn = len(turns) // 2
        shown[-1] = {"role": "assistant", "content": _final_html(answer, turn)}
        panel = sources_html(answer, qa.index.documents, qa.index.chunks, turn=turn)
        yield shown, panel, turns, gr.skip(), gr.skip()

    with gr.Blocks(title="citeqa") as blocks:
        gr.HTML(
            '<h1 class="cq-app-title">citeqa</h1><p class="cq-lead">Ask about the corpus. Every answer quotes it '
            "word for word, and each quote can be checked in its document, beside the chat.</p>",
            head=f"<style>{CSS}</style>",
        )
        turns = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    elem_id="cq-chat",
                    height=540,
                    render_markdown=False,
                    latex_delimiters=[],
                    placeholder="Ask a question about the documents listed on the right, or pick an example.",
                    examples=[{"text": q} for q in EXAMPLES],
                    buttons=[],
                )
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        label="Your question",
                        placeholder="Type a question and press Enter",
                        lines=1,
                        max_lines=4,
                        max_length=settings.max_question_chars,
                        scale=5,
                        autofocus=True,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80)
                notice = gr.HTML("", elem_id="cq-notice", js_on_load=None, apply_default_css=False)
                with gr.Accordion("Options", open=False):
                    top_k = gr.Slider(
                        MIN_PASSAGES,
                        MAX_PASSAGES,
                        value=min(max(settings.top_k, MIN_PASSAGES), MAX_PASSAGES),
                        step=1,
                        label="Passages to search",
                    )
                    documents = gr.Dropdown(
                        label="Only these documents", info="Leave empty to search all.", multiselect=True, choices=[]
                    )
                    with gr.Row():
                        date_from = gr.Textbox(label="From date", placeholder="e.g. 2016 or 2016-04-19")
                        date_to = gr.Textbox(label="To date", placeholder="e.g. 2018-12-31")
                    use_llm = gr.Checkbox(
                        value=True,
                        label="Let the language model phrase answers (quotes are still verified)",
                        visible=bool(settings.llm_base_url or settings.llm_model_path),
                    )
                clear = gr.Button("New conversation", variant="secondary", size="sm")
            with gr.Column(scale=2, min_width=320):
                sources = gr.HTML(elem_id="cq-sources", js_on_load=SOURCES_JS, apply_default_css=False)

        ask: dict[str, Any] = {
            "fn": respond,
            "inputs": [question, chatbot, turns, top_k, documents, date_from, date_to, use_llm],
            "outputs": [chatbot, sources, turns, question, notice],
            "concurrency_id": "answer",
            "api_visibility": "private",
        }
        question.submit(**ask)
        send.click(**ask)
        chatbot.example_select(pick_example, None, question, queue=False, api_visibility="private").then(**ask)
        # The chatbot's own trash button must forget the history too, or follow-ups would lean on it.
        for reset in (clear.click, chatbot.clear):
            reset(new_conversation, outputs=[chatbot, sources, turns, question, notice], api_visibility="private")
        # The app loads the index in the background, so the page may open before it is ready.
        index_poll = gr.Timer(2, active=False)
        for opened in (blocks.load, index_poll.tick):
            opened(start, outputs=[sources, documents, index_poll], api_visibility="private")
    return blocks


def _final_html(answer: Answer, turn: int) -> str:
    if answer.refused:
        return refusal_html(answer)
    return answer_html(answer.answer, (c.marker for c in answer.citations), turn)
