"""With an API key every answering route needs it, the chat's Gradio routes included; chat questions are
rate limited and checked like API questions (real uvicorn, real Gradio queue)."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from citeqa.qa import Answerer
from citeqa.settings import Settings
from citeqa.ui.session import SESSION_COOKIE, SessionSigner
from tests.conftest import LiveServer
from tests.ui.conftest import QUESTIONS, api_server, assert_error

KEY = "chat-s3cret"


def fn_index(client: httpx.Client, api_name: str) -> int:
    """The index Gradio gives the chat's event function `api_name` (ui/chat.py), from the page's config."""
    config = client.get("/config").json()
    return next(int(d["id"]) for d in config["dependencies"] if d.get("api_name") == api_name)


def join(question: Any, session: str, index: int = 0) -> dict[str, Any]:
    """What the chat page posts to Gradio's queue when a question is sent (ui/chat.py's inputs)."""
    return {"data": [question, [], [], 5, [], "", "", False], "fn_index": index, "session_hash": session}


def chat_answer(client: httpx.Client, question: str) -> dict[str, Any]:
    """Ask through the queue, as the page does, and return the completed event."""
    session = uuid.uuid4().hex
    response = client.post("/gradio_api/queue/join", json=join(question, session, fn_index(client, "respond")))
    assert response.status_code == 200, response.text
    with client.stream("GET", f"/gradio_api/queue/data?session_hash={session}", timeout=60) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                message = json.loads(line[len("data: ") :])
                if message.get("msg") == "process_completed":
                    return message  # type: ignore[no-any-return]
    raise AssertionError("the queue closed without completing the question")


@pytest.fixture(scope="module")
def locked(settings: Settings, answerer: Answerer) -> Iterator[LiveServer]:
    with api_server(settings, answerer, api_key=KEY) as server:
        yield server


ANSWERING_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "/v1/ask", {"question": QUESTIONS[0]}),
    ("POST", "/v1/ask/stream", {"question": QUESTIONS[0]}),
    ("POST", "/v1/chat/completions", {"model": "citeqa", "messages": [{"role": "user", "content": QUESTIONS[0]}]}),
    ("GET", "/v1/documents", None),
    ("GET", "/v1/paragraphs/x%23p01", None),
    ("POST", "/gradio_api/queue/join", join(QUESTIONS[0], "attacker")),
    ("GET", "/gradio_api/queue/data?session_hash=attacker", None),
    ("POST", "/gradio_api/call/respond", {"data": [QUESTIONS[0], [], [], 5, [], "", "", False]}),
    ("POST", "/gradio_api/run/respond", {"data": [QUESTIONS[0], [], [], 5, [], "", "", False]}),
    ("POST", "/gradio_api/api/respond", {"data": [QUESTIONS[0], [], [], 5, [], "", "", False]}),
    ("POST", "/gradio_api/upload", None),
    ("GET", "/gradio_api/info", None),
    ("GET", "/gradio_api/heartbeat/attacker", None),
    ("GET", "/config", None),
    ("GET", "/", None),
    ("GET", "/docs", None),
    ("GET", "/redoc", None),
    ("GET", "/openapi.json", None),
]


@pytest.mark.parametrize("credentials", ["none", "wrong key", "forged cookie"])
@pytest.mark.parametrize(("method", "path", "body"), ANSWERING_ROUTES, ids=[f"{m} {p}" for m, p, _ in ANSWERING_ROUTES])
def test_every_answering_route_refuses_without_the_key(
    locked: LiveServer, credentials: str, method: str, path: str, body: Any
) -> None:
    headers = {"Authorization": "Bearer wrong"} if credentials == "wrong key" else {}
    cookies = {SESSION_COOKIE: "99999999999.deadbeef"} if credentials == "forged cookie" else {}
    with httpx.Client(base_url=locked.url, cookies=cookies, timeout=30) as client:
        response = client.request(method, path, json=body, headers=headers)
    assert_error(response, 401, "unauthorized")


def test_a_browser_without_a_session_is_sent_to_sign_in(locked: LiveServer) -> None:
    page = httpx.get(f"{locked.url}/", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/login"
    login = httpx.get(f"{locked.url}/login")
    assert login.status_code == 200 and 'type="password"' in login.text and 'name="key"' in login.text


def test_signing_in_with_the_key_opens_the_chat_and_it_answers(locked: LiveServer, answerer: Answerer) -> None:
    with httpx.Client(base_url=locked.url, timeout=60) as client:
        wrong = client.post("/login", data={"key": "guess"})
        assert wrong.status_code == 401 and "not right" in wrong.text and SESSION_COOKIE not in client.cookies
        signed_in = client.post("/login", data={"key": KEY})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
        cookie = signed_in.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert client.get("/config").status_code == 200
        assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
        completed = chat_answer(client, QUESTIONS[0])
    assert completed["success"] is True, completed
    shown = json.dumps(completed["output"], ensure_ascii=False)
    expected = answerer.ask(QUESTIONS[0]).citations[0].quote
    assert json.dumps(expected, ensure_ascii=False)[1:40] in shown


def test_the_bearer_key_opens_the_chat_routes_too(locked: LiveServer) -> None:
    with httpx.Client(base_url=locked.url, headers={"Authorization": f"Bearer {KEY}"}, timeout=60) as client:
        assert chat_answer(client, QUESTIONS[0])["success"] is True


def test_a_session_cookie_is_signed_by_the_key_and_expires() -> None:
    now = [1_000_000.0]
    signer = SessionSigner("k", hours=1, clock=lambda: now[0])
    cookie = signer.issue()
    assert signer.valid(cookie)
    expires, _, signature = cookie.partition(".")
    assert not signer.valid(f"{int(expires) + 3600}.{signature}")  # a longer life cannot be written in
    assert not SessionSigner("other key", hours=1, clock=lambda: now[0]).valid(cookie)
    now[0] += 3601
    assert not signer.valid(cookie)


def test_chat_questions_count_against_the_rate_limit(settings: Settings, answerer: Answerer) -> None:
    with api_server(settings, answerer, rate_limit_per_minute=2) as server, httpx.Client(base_url=server.url) as client:
        respond, start = fn_index(client, "respond"), fn_index(client, "start")
        # Opening the page runs events too; they are not questions and cost nothing.
        page_load = {"data": [], "fn_index": start, "session_hash": "page"}
        assert {client.post("/gradio_api/queue/join", json=page_load).status_code for _ in range(5)} == {200}
        asked = [
            client.post("/gradio_api/queue/join", json=join(q, f"s{i}", respond)) for i, q in enumerate(QUESTIONS[:2])
        ]
        assert [r.status_code for r in asked] == [200, 200]
        refused = client.post("/gradio_api/queue/join", json=join(QUESTIONS[2], "s3", respond))
        assert_error(refused, 429, "rate_limited")
        assert int(refused.headers["retry-after"]) >= 1
        # One allowance for the API and the chat together.
        assert_error(client.get("/v1/models"), 429, "rate_limited")


def test_wrong_keys_do_not_spend_the_key_holders_allowance(settings: Settings, answerer: Answerer) -> None:
    with api_server(settings, answerer, api_key=KEY, rate_limit_per_minute=3) as server:
        wrong = [httpx.get(f"{server.url}/v1/models", headers={"Authorization": "Bearer x"}) for _ in range(5)]
        assert [r.status_code for r in wrong] == [401, 401, 401, 429, 429]
        assert_error(wrong[-1], 429, "rate_limited")
        right = [httpx.get(f"{server.url}/v1/models", headers={"Authorization": f"Bearer {KEY}"}) for _ in range(3)]
        assert [r.status_code for r in right] == [200, 200, 200]
        # Guessing at the login page draws on the same bucket as other failures.
        assert httpx.post(f"{server.url}/login", data={"key": "x"}).status_code == 429
        assert httpx.post(f"{server.url}/login", data={"key": KEY}).status_code == 303


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (["why?", [], [], "five", [], "", "", False], "invalid_request"),  # Gradio's slider would raise
        (["why?", [], [], 5, [], "", "", "yes"], "invalid_request"),
        (["why?"], "invalid_request"),
        ([{"text": "why?"}, [], [], 5, [], "", "", False], "invalid_request"),
        (["\U0001f600" * 1000, [], [], 5, [], "", "", False], "question_too_long"),
    ],
)
def test_a_chat_input_gradio_would_reject_is_a_422_and_logs_no_traceback(
    api: httpx.Client, capfd: pytest.CaptureFixture[str], data: list[Any], code: str
) -> None:
    body = {"data": data, "fn_index": fn_index(api, "respond"), "session_hash": "bad"}
    response = api.post("/gradio_api/queue/join", json=body)
    assert_error(response, 422, code)
    assert "Traceback" not in capfd.readouterr().err


def test_a_lone_surrogate_in_a_chat_question_is_a_422(api: httpx.Client) -> None:
    index = fn_index(api, "respond")
    body = b'{"data": ["a \\ud800", [], [], 5, [], "", "", false], "fn_index": %d, "session_hash": "bad"}' % index
    response = api.post("/gradio_api/queue/join", content=body, headers={"content-type": "application/json"})
    assert_error(response, 422, "invalid_text")


def test_the_chat_answers_only_through_its_queue(api: httpx.Client) -> None:
    body = {"data": [QUESTIONS[0], [], [], 5, [], "", "", False]}
    for path in ("/gradio_api/call/respond", "/gradio_api/run/respond", "/gradio_api/api/respond"):
        assert_error(api.post(path, json=body), 404, "not_found")


def test_a_chat_question_is_logged_and_the_page_and_its_assets_are_not(
    settings: Settings, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="citeqa.access")
    with api_server(settings, answerer, log_questions=True) as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/").status_code == 200 and client.get("/theme.css").status_code == 200
        asked = client.post("/gradio_api/queue/join", json=join(QUESTIONS[0], "log", fn_index(client, "respond")))
        assert asked.status_code == 200
        deadline = time.monotonic() + 5
        while not (lines := [json.loads(r.getMessage()) for r in caplog.records if r.name == "citeqa.access"]):
            assert time.monotonic() < deadline, "no access log line for the chat question"
            time.sleep(0.02)  # the line is written once the response has gone out
    (line,) = lines
    assert line["event"] == "chat_question" and line["question"] == QUESTIONS[0] and line["status"] == 200
