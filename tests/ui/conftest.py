"""Fixtures for the HTTP API tests: clients of the session's live server, extra servers with other settings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from citeqa.index import Index
from citeqa.qa import Answerer
from citeqa.settings import Settings
from tests.conftest import LiveServer

QUESTIONS = [
    "What did the speech say about core technologies?",
    "What does the 2018 speech say about an overall plan for talent development?",
    "Which two senior leaders attended the July 2023 cyber conference?",
    "What is the population of Mars?",
]


@contextmanager
def api_server(settings: Settings, answerer: Any, **changes: Any) -> Iterator[LiveServer]:
    """Another real server sharing the session's loaded answerer, with some settings changed."""
    from citeqa.ui.app import create_app

    with LiveServer(create_app(settings.model_copy(update=changes), answerer)) as server:
        yield server


@pytest.fixture(scope="session")
def api(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def asked(api: httpx.Client) -> dict[str, dict[str, Any]]:
    """/v1/ask responses for QUESTIONS, asked once per session."""
    answers = {}
    for question in QUESTIONS:
        response = api.post("/v1/ask", json={"question": question})
        assert response.status_code == 200, response.text
        answers[question] = response.json()
    return answers


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is `status` with the JSON error shape (and `code`, when given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in response.text
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]  # type: ignore[no-any-return]


def assert_contract(answer: dict[str, Any], index: Index) -> None:
    """The answer-contract check of ../shared/tools/check_answer.py, against the served index."""
    for key, kind in {"question": str, "answer": str, "refused": bool, "citations": list, "passages": list}.items():
        assert isinstance(answer.get(key), kind), f"{key!r} missing or not {kind.__name__}"
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer["answer"])}
    for citation in answer["citations"]:
        doc = index.documents[citation["document_id"]]
        assert citation["source_file"] == doc.source_file
        assert citation["quote"] and doc.text[citation["start"] : citation["end"]] == citation["quote"]
    cited = {c["marker"] for c in answer["citations"]}
    if answer["refused"]:
        assert not answer["citations"] and answer["refusal_reason"]
    else:
        assert cited and cited == markers, (cited, markers)
    assert len(answer["passages"]) >= 5 or answer["refused"]


def without_timings(answer: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answer.items() if key != "timings_ms"}


def fresh_answerer(settings: Settings) -> Answerer:
    """A second answerer over the same index files, with its own (cold) query cache."""
    from citeqa import wiring

    return wiring.open_answerer(settings, wiring.open_index(settings, wiring.embedder_for(settings)))


def read_events(stream: str) -> list[tuple[str | None, Any]]:
    """Server-sent events as (event name, JSON data); the name is None for data-only events."""
    events = []
    for block in stream.split("\n\n"):
        if not block.strip():
            continue
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        data = fields["data"]
        events.append((fields.get("event"), data if data == "[DONE]" else json.loads(data)))
    return events
