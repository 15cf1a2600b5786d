"""API key, rate limit and CORS, each on and off; one JSON access-log line per request."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from citeqa.qa import Answerer
from citeqa.settings import Settings
from citeqa.ui.security import TokenBucket
from tests.conftest import LiveServer
from tests.ui.conftest import QUESTIONS, api_server, assert_error

KEY = "s3cret-key"
ALLOWED_ORIGIN = "http://allowed.example"


@pytest.fixture(scope="module")
def locked(settings: Settings, answerer: Answerer) -> Iterator[LiveServer]:
    with api_server(settings, answerer, api_key=KEY, cors_origins=[ALLOWED_ORIGIN]) as server:
        yield server


def test_without_a_configured_key_the_api_is_open(api: httpx.Client) -> None:
    assert api.get("/v1/models").status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", f"Basic {KEY}", "Bearer", f"Bearer {KEY}x"])
def test_a_missing_or_wrong_key_is_401_with_www_authenticate(locked: LiveServer, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    for method, path in (("GET", "/v1/models"), ("POST", "/v1/ask"), ("GET", "/v1/no-such-route")):
        response = httpx.request(method, f"{locked.url}{path}", headers=headers, json={"question": "why?"})
        assert_error(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_the_right_key_opens_the_api(locked: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    response = httpx.post(f"{locked.url}/v1/ask", json={"question": QUESTIONS[0]}, headers=headers, timeout=60)
    assert response.status_code == 200 and response.json()["citations"]


def test_health_stays_open_with_a_key_but_shows_versions_only_with_it(locked: LiveServer) -> None:
    anonymous = httpx.get(f"{locked.url}/healthz")
    assert anonymous.status_code == 200 and anonymous.json()["ready"] is True
    assert anonymous.json()["versions"] is None
    keyed = httpx.get(f"{locked.url}/healthz", headers={"Authorization": f"Bearer {KEY}"}).json()
    assert keyed["versions"]["fastapi"] and keyed["versions"]["gradio"]


def test_openapi_documents_the_bearer_scheme_when_a_key_is_set(locked: LiveServer) -> None:
    schema = httpx.get(f"{locked.url}/openapi.json", headers={"Authorization": f"Bearer {KEY}"}).json()
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert schema["paths"]["/v1/ask"]["post"]["security"] == [{"bearer": []}]
    assert "security" not in schema["paths"]["/healthz"]["get"]


def test_without_a_key_the_docs_and_chat_config_are_public(api: httpx.Client) -> None:
    for path in ("/docs", "/redoc", "/openapi.json", "/config"):
        assert api.get(path).status_code == 200, path
    assert api.get("/healthz").json()["versions"]["fastapi"]


def test_openapi_states_the_configured_limits(api: httpx.Client, settings: Settings) -> None:
    models = api.get("/openapi.json").json()["components"]["schemas"]
    question = models["AskRequest"]["properties"]["question"]
    assert question["maxLength"] == settings.max_question_chars and question["minLength"] == 1
    assert models["AskRequest"]["properties"]["history"]["maxItems"] == settings.max_history_turns
    assert models["ChatRequest"]["properties"]["messages"]["maxItems"] == settings.max_history_turns + 1


def test_cors_allows_the_configured_origin_only(locked: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    allowed = httpx.get(f"{locked.url}/v1/models", headers={**headers, "Origin": ALLOWED_ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    other = httpx.get(f"{locked.url}/v1/models", headers={**headers, "Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    # A browser's preflight carries no credentials: it must pass without the key.
    preflight = httpx.options(
        f"{locked.url}/v1/ask",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    # And a refusal is readable by the page that asked.
    refused = httpx.get(f"{locked.url}/v1/models", headers={"Origin": ALLOWED_ORIGIN})
    assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == ALLOWED_ORIGIN


def test_without_cors_origins_no_cors_header_is_sent(api: httpx.Client) -> None:
    assert "access-control-allow-origin" not in api.get("/v1/models", headers={"Origin": ALLOWED_ORIGIN}).headers


def test_without_a_rate_limit_bursts_pass(api: httpx.Client) -> None:
    assert {api.get("/v1/models").status_code for _ in range(30)} == {200}


def test_the_rate_limit_answers_429_with_retry_after(settings: Settings, answerer: Answerer) -> None:
    with api_server(settings, answerer, rate_limit_per_minute=3) as server, httpx.Client(base_url=server.url) as client:
        assert [client.get("/v1/models").status_code for _ in range(3)] == [200, 200, 200]
        response = client.get("/v1/models")
        assert_error(response, 429, "rate_limited")
        assert int(response.headers["retry-after"]) >= 1
        assert client.get("/healthz").status_code == 200


def test_token_bucket_refills_over_time() -> None:
    now = [0.0]
    bucket = TokenBucket(60, clock=lambda: now[0])
    assert all(bucket.take("a") == 0 for _ in range(60))
    assert bucket.take("a") == pytest.approx(1.0)
    assert bucket.take("b") == 0  # clients are counted apart
    now[0] = 2.0
    assert bucket.take("a") == 0 and bucket.take("a") == 0 and bucket.take("a") > 0


def _access_lines(caplog: pytest.LogCaptureFixture, path: str) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        # The line is written once the response has been sent, so it may trail the client by a moment.
        lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "citeqa.access"]
        lines = [line for line in lines if line["path"] == path]
        if lines:
            return lines
        time.sleep(0.02)
    raise AssertionError(f"no access log line for {path}")


@pytest.mark.parametrize("log_questions", [False, True])
def test_each_request_logs_one_json_line(
    settings: Settings, answerer: Answerer, caplog: pytest.LogCaptureFixture, log_questions: bool
) -> None:
    caplog.set_level(logging.INFO, logger="citeqa.access")
    with api_server(settings, answerer, log_questions=log_questions) as server:
        response = httpx.post(f"{server.url}/v1/ask", json={"question": QUESTIONS[0]}, timeout=60)
        assert response.status_code == 200
        httpx.get(f"{server.url}/v1/documents/nope")
        (line,) = _access_lines(caplog, "/v1/ask")
        (missing,) = _access_lines(caplog, "/v1/documents/nope")
    assert line["method"] == "POST" and line["route"] == "/v1/ask" and line["status"] == 200
    assert line["latency_ms"] > 0 and line["client"] == "127.0.0.1"
    assert missing["status"] == 404 and missing["route"] == "/v1/documents/{document_id}"
    assert ("question" in line) is log_questions
    if log_questions:
        assert line["question"] == QUESTIONS[0]
