"""Bad input, limits and failures: always a 4xx (or the documented 5xx) with the JSON error shape."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from citeqa.qa import Answerer, PassagesFound
from citeqa.settings import Settings
from tests.ui.conftest import QUESTIONS, api_server, assert_error, read_events

LONG = "why " * 600  # 2,400 characters, over the 2,000 limit
EMOJI = "\U0001f600" * 1000  # 1,000 characters but 2,000 tokens, over the 512 limit
BAD_BODIES: list[tuple[str, Any, int, str | None]] = [
    ("missing question", {}, 422, "invalid_request"),
    ("question not a string", {"question": 42}, 422, "invalid_request"),
    ("history not a list", {"question": "why?", "history": "earlier"}, 422, "invalid_request"),
    (
        "history turn with a bad role",
        {"question": "why?", "history": [{"role": "system", "content": "x"}]},
        422,
        "invalid_request",
    ),
    ("top_k not a number", {"question": "why?", "top_k": "five"}, 422, "invalid_request"),
    ("top_k a numeric string", {"question": "why?", "top_k": "5"}, 422, "invalid_request"),
    ("top_k a boolean", {"question": "why?", "top_k": True}, 422, "invalid_request"),
    ("top_k a fraction", {"question": "why?", "top_k": 5.5}, 422, "invalid_request"),
    ("top_k 0", {"question": "why?", "top_k": 0}, 422, "invalid_request"),
    ("top_k 51", {"question": "why?", "top_k": 51}, 422, "invalid_request"),
    ("empty question", {"question": ""}, 422, "empty_question"),
    ("blank question", {"question": " \n\t "}, 422, "empty_question"),
    ("too long question", {"question": LONG}, 422, "question_too_long"),
    ("too many tokens", {"question": EMOJI}, 422, "question_too_long"),
    ("too much history", {"question": "why?", "history": [{"role": "user", "content": "q"}] * 21}, 422, None),
    ("unknown filter document", {"question": "why?", "filters": {"document_ids": ["nope"]}}, 404, "unknown_document"),
    ("malformed filter date", {"question": "why?", "filters": {"date_from": "last year"}}, 422, "invalid_request"),
    ("body not an object", ["why?"], 422, "invalid_request"),
]


@pytest.mark.parametrize("route", ["/v1/ask", "/v1/ask/stream"])
@pytest.mark.parametrize(("case", "body", "status", "code"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_ask_bodies_are_4xx_with_the_error_shape(
    api: httpx.Client, route: str, case: str, body: Any, status: int, code: str | None
) -> None:
    error = assert_error(api.post(route, json=body), status, code)
    if code == "invalid_request":
        assert ":" in error["message"]  # names the field


def test_a_question_of_many_tokens_is_refused_by_its_token_count(api: httpx.Client) -> None:
    error = assert_error(api.post("/v1/ask", json={"question": EMOJI}), 422, "question_too_long")
    assert "tokens" in error["message"] and "512" in error["message"]
    # The same number of characters in words is well within the limit.
    words = ("what did the speech say about core technologies " * 25)[: len(EMOJI)]
    assert api.post("/v1/ask", json={"question": words}).status_code == 200


@pytest.mark.parametrize("route", ["/v1/ask", "/v1/ask/stream", "/v1/chat/completions"])
def test_a_lone_surrogate_is_a_422(api: httpx.Client, route: str) -> None:
    # JSON may escape half a surrogate pair; it is no character, and the embedder could not encode it.
    body = b'{"model": "citeqa", "question": "a \\ud800", "messages": [{"role": "user", "content": "a \\ud800"}]}'
    error = assert_error(api.post(route, content=body, headers={"content-type": "application/json"}), 422)
    assert error["code"] in ("invalid_request", "invalid_text")


def test_a_numeric_top_k_written_as_a_whole_float_is_accepted(api: httpx.Client) -> None:
    # JSON Schema's "integer" includes 35.0; only strings, booleans and fractions are refused.
    assert api.post("/v1/ask", json={"question": QUESTIONS[0], "top_k": 6.0}).status_code == 200


def test_too_much_history_names_the_limit(api: httpx.Client) -> None:
    history = [{"role": "user", "content": "q"}] * 21
    error = assert_error(api.post("/v1/ask", json={"question": "why?", "history": history}), 422, "history_too_long")
    assert "20" in error["message"]


@pytest.mark.parametrize("route", ["/v1/ask", "/v1/ask/stream", "/v1/chat/completions"])
def test_invalid_json_is_400(api: httpx.Client, route: str) -> None:
    response = api.post(route, content=b'{"question": "why', headers={"content-type": "application/json"})
    assert_error(response, 400, "invalid_json")


def test_a_huge_body_is_rejected_with_413_before_parsing(api: httpx.Client, settings: Settings) -> None:
    huge = b'{"question": "' + b"a" * (settings.max_body_bytes + 10) + b'"}'
    assert_error(api.post("/v1/ask", content=huge, headers={"content-type": "application/json"}), 413)

    def chunked() -> Iterator[bytes]:
        yield huge[:1000]
        yield huge[1000:]

    # Without Content-Length (chunked transfer) the server counts as the body arrives.
    response = api.post("/v1/ask", content=chunked(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "body_too_large")


def test_a_small_chunked_body_is_accepted(api: httpx.Client) -> None:
    def chunked() -> Iterator[bytes]:
        yield b'{"question": '
        yield b'"What did the speech say about core technologies?"}'

    assert api.post("/v1/ask", content=chunked(), headers={"content-type": "application/json"}).status_code == 200


def test_an_oversized_content_length_is_rejected_without_reading_the_body(live_server: Any, settings: Settings) -> None:
    request = (
        f"POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {settings.max_body_bytes * 4}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=10) as sock:
        sock.sendall(request)
        reply = sock.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 413") and '"body_too_large"' in reply


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/v1/documents/no-such-document", 404, "unknown_document"),
        ("GET", "/v1/paragraphs/no-such-document%23p01", 404, "unknown_paragraph"),
        ("GET", "/v1/paragraphs/2018-04-20-enhance-cyber-capabilities", 404, "unknown_paragraph"),
        ("GET", "/v1/no-such-route", 404, "not_found"),
        ("POST", "/v1/models/gpt-4", 405, "method_not_allowed"),
        ("GET", "/v1/models/gpt-4", 404, "model_not_found"),
        ("GET", "/v1/ask", 405, "method_not_allowed"),
        ("DELETE", "/v1/documents", 405, "method_not_allowed"),
        ("POST", "/healthz", 405, "method_not_allowed"),
        ("TRACE", "/v1/ask", 405, "method_not_allowed"),
        ("PROPFIND", "/v1/documents", 405, "method_not_allowed"),
        ("CONNECT", "/v1/ask", 405, "method_not_allowed"),
        ("TRACE", "/healthz", 405, "method_not_allowed"),
        ("PROPFIND", "/v1/no-such-route", 404, "not_found"),
    ],
)
def test_unknown_ids_routes_and_methods_are_404_or_405(
    api: httpx.Client, method: str, path: str, status: int, code: str
) -> None:
    response = api.request(method, path)
    assert_error(response, status, code)
    if status == 405:
        assert response.headers["allow"]


def test_the_time_limit_gives_504(settings: Settings, answerer: Answerer) -> None:
    with api_server(settings, answerer, request_timeout=0.001) as server:
        # A question never asked before: its embedding is not cached, so answering takes milliseconds.
        question = f"What did the speech say about core technologies {uuid.uuid4().hex}?"
        response = httpx.post(f"{server.url}/v1/ask", json={"question": question}, timeout=30)
        assert_error(response, 504, "timeout")
        response = httpx.post(f"{server.url}/v1/ask/stream", json={"question": question + "!"}, timeout=30)
        assert_error(response, 504, "timeout")


class _Exploding:
    """An answerer that fails unexpectedly: after its first event when streaming."""

    def __init__(self, real: Answerer) -> None:
        self.index = real.index

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail")

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[PassagesFound]:
        yield PassagesFound([])
        raise RuntimeError("secret internal detail")


def test_an_unexpected_failure_is_a_500_with_the_error_shape_and_no_traceback(
    settings: Settings, answerer: Answerer
) -> None:
    with api_server(settings, _Exploding(answerer)) as server:
        response = httpx.post(f"{server.url}/v1/ask", json={"question": QUESTIONS[0]}, timeout=30)
        error = assert_error(response, 500, "internal_error")
        assert "secret" not in error["message"]
        response = httpx.post(f"{server.url}/v1/ask/stream", json={"question": QUESTIONS[0]}, timeout=30)
        assert response.status_code == 200
        events = read_events(response.text)
        assert [kind for kind, _ in events] == ["passages", "error"]
        assert events[-1][1]["error"]["code"] == "internal_error" and "secret" not in response.text
