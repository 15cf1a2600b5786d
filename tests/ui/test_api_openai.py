"""The official `openai` client against /v1/chat/completions, with nothing changed but base_url."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest

from citeqa.index import Index
from tests.conftest import LiveServer
from tests.ui.conftest import QUESTIONS, assert_contract, assert_error, read_events, without_timings


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{live_server.url}/v1", api_key="x", max_retries=0, timeout=60)


def _as_answer(question: str, text: str, citations: list[dict[str, Any]], passages: list[Any]) -> dict[str, Any]:
    """The reply as an answer object, to run the contract check on what an OpenAI client receives."""
    body = text.split("\n\nSources:\n")[0]
    refused = not citations
    return {
        "question": question,
        "answer": body,
        "refused": refused,
        "refusal_reason": body if refused else None,
        "citations": citations,
        "passages": passages,
    }


def test_client_lists_the_citeqa_model(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["citeqa"]
    assert client.models.retrieve("citeqa").id == "citeqa"


def test_client_gets_an_answer_with_citations(
    client: openai.OpenAI, asked: dict[str, dict[str, Any]], index: Index
) -> None:
    question = QUESTIONS[0]
    completion = client.chat.completions.create(
        model="citeqa",
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": question}],
        temperature=0,
    )
    message = completion.choices[0].message
    expected = asked[question]
    assert completion.choices[0].finish_reason == "stop" and message.role == "assistant"
    citations = (message.model_extra or {})["citations"]
    assert citations == expected["citations"] and citations
    assert message.content is not None and message.content.startswith(expected["answer"])
    for citation in citations:
        # Numbered quotes in the text, matching the markers.
        assert f"[{citation['marker']}] “{citation['quote']}”" in message.content
    assert completion.usage is not None and completion.usage.completion_tokens > 0
    assert_contract(_as_answer(question, message.content, citations, expected["passages"]), index)


def test_client_streams_the_same_answer(client: openai.OpenAI, asked: dict[str, dict[str, Any]], index: Index) -> None:
    question = QUESTIONS[1]
    stream = client.chat.completions.create(
        model="citeqa",
        messages=[{"role": "user", "content": question}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(finals) == 1
    citations = (finals[0].model_extra or {})["citations"]
    expected = asked[question]
    assert citations == expected["citations"]
    assert text.startswith(expected["answer"])
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0
    assert_contract(_as_answer(question, text, citations, expected["passages"]), index)


def test_client_sends_the_history_of_the_conversation(client: openai.OpenAI, api: httpx.Client) -> None:
    messages: list[Any] = [
        {"role": "user", "content": QUESTIONS[1]},
        {"role": "assistant", "content": "China will formulate an overall plan for talent development [1]."},
        {"role": "user", "content": [{"type": "text", "text": "What about its purpose?"}]},
    ]
    completion = client.chat.completions.create(model="citeqa", messages=messages)
    history = [{"role": m["role"], "content": m["content"]} for m in messages[:2]]
    direct = api.post("/v1/ask", json={"question": "What about its purpose?", "history": history}).json()
    assert (completion.choices[0].message.model_extra or {})["citations"] == direct["citations"]


def test_client_raises_not_found_for_another_model(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert "citeqa" in str(caught.value)


def test_chat_completion_errors_have_the_error_shape(api: httpx.Client) -> None:
    last_not_user = {"model": "citeqa", "messages": [{"role": "assistant", "content": "hello"}]}
    assert_error(api.post("/v1/chat/completions", json=last_not_user), 422, "invalid_request")
    assert_error(api.post("/v1/chat/completions", json={"model": "citeqa", "messages": []}), 422)
    empty = {"model": "citeqa", "messages": [{"role": "user", "content": None}]}
    assert_error(api.post("/v1/chat/completions", json=empty), 422, "empty_question")
    long = {"model": "citeqa", "messages": [{"role": "user", "content": "x" * 2001}], "stream": True}
    assert_error(api.post("/v1/chat/completions", json=long), 422, "question_too_long")


def test_stream_chunks_end_with_done_marker(api: httpx.Client, asked: dict[str, dict[str, Any]]) -> None:
    body = {"model": "citeqa", "messages": [{"role": "user", "content": QUESTIONS[0]}], "stream": True}
    events = read_events(api.post("/v1/chat/completions", json=body).text)
    assert events[-1] == (None, "[DONE]")
    first, final = events[0][1], events[-2][1]
    assert first["choices"][0]["delta"]["role"] == "assistant"
    assert final["choices"][0]["finish_reason"] == "stop"
    assert final["citations"] == without_timings(asked[QUESTIONS[0]])["citations"]
