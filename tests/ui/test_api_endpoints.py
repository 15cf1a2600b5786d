"""Each HTTP endpoint against a real uvicorn server over the session's real index."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from citeqa import wiring
from citeqa.index import Index
from citeqa.qa import Answerer
from citeqa.settings import Settings
from tests.ui.conftest import (
    QUESTIONS,
    api_server,
    assert_contract,
    assert_error,
    fresh_answerer,
    read_events,
    without_timings,
)


def test_healthz_reports_counts_and_versions(api: httpx.Client, index: Index) -> None:
    body = api.get("/healthz").json()
    assert body["status"] == "ok" and body["ready"] is True
    assert body["documents"] == len(index.documents) == 5
    assert body["paragraphs"] == len(index.body_ids) > 0
    versions = body["versions"]
    for name in ("citeqa", "chromadb", "llama-index-core", "fastapi", "gradio"):
        assert versions[name][0].isdigit(), versions
    assert versions["embedder"]["name"] == index.embedder.name
    assert versions["chunker"] == index.manifest["chunker_version"]


def test_healthz_is_503_until_the_index_is_loaded(
    settings: Settings, answerer: Answerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = threading.Event()

    def slow_load(_: Settings) -> Answerer:
        loaded.wait(30)
        return answerer

    monkeypatch.setattr(wiring, "open_answerer", slow_load)
    with api_server(settings, None) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        assert_error(client.get("/healthz"), 503, "not_ready")
        assert_error(client.post("/v1/ask", json={"question": QUESTIONS[0]}), 503, "not_ready")
        loaded.set()
        for _ in range(100):
            response = client.get("/healthz")
            if response.status_code == 200:
                break
            threading.Event().wait(0.05)
        assert response.status_code == 200 and response.json()["ready"] is True


def test_healthz_names_the_load_error_when_there_is_no_index(settings: Settings, tmp_path: Any) -> None:
    with api_server(settings.model_copy(update={"data_dir": tmp_path}), None) as server:
        for _ in range(200):
            response = httpx.get(f"{server.url}/healthz")
            if response.json()["error"]["code"] != "not_ready":
                break
            threading.Event().wait(0.05)
        error = assert_error(response, 503, "index_unavailable")
        assert "citeqa index" in error["message"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_ask_returns_an_answer_that_keeps_the_contract(
    asked: dict[str, dict[str, Any]], index: Index, question: str
) -> None:
    answer = asked[question]
    assert answer["question"] == question
    assert set(answer["timings_ms"]) >= {"retrieve", "answer", "total"}
    assert_contract(answer, index)


def test_ask_cites_the_corpus_for_an_answerable_question(asked: dict[str, dict[str, Any]]) -> None:
    answer = asked[QUESTIONS[0]]
    assert not answer["refused"] and answer["citations"]
    assert any("core technolog" in c["quote"].lower() for c in answer["citations"])


@pytest.mark.parametrize("question", QUESTIONS)
def test_stream_done_event_equals_ask_response_and_events_come_in_order(
    api: httpx.Client, asked: dict[str, dict[str, Any]], question: str
) -> None:
    response = api.post("/v1/ask/stream", json={"question": question})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = read_events(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "passages" and kinds[-1] == "done"
    deltas = kinds.count("delta")
    citations = kinds.count("citation")
    assert kinds == ["passages"] + ["delta"] * deltas + ["citation"] * citations + ["done"]
    done = events[-1][1]
    assert without_timings(done) == without_timings(asked[question])
    assert "".join(data["text"] for kind, data in events if kind == "delta") == done["answer"]
    assert [data for kind, data in events if kind == "citation"] == done["citations"]
    assert events[0][1]["passages"] == done["passages"]


def test_ask_follows_up_on_the_history(api: httpx.Client, index: Index) -> None:
    history = [
        {"role": "user", "content": QUESTIONS[1]},
        {"role": "assistant", "content": "China will formulate an overall plan for talent development [1]."},
    ]
    answer = api.post("/v1/ask", json={"question": "What about its purpose?", "history": history}).json()
    assert_contract(answer, index)
    assert "talent" in answer["retrieval_query"]


def test_ask_filters_restrict_the_passages(api: httpx.Client, index: Index) -> None:
    only = "2018-04-20-enhance-cyber-capabilities"
    body = {"question": QUESTIONS[0], "filters": {"document_ids": [only]}}
    answer = api.post("/v1/ask", json=body).json()
    assert answer["passages"] and {p["document_id"] for p in answer["passages"]} == {only}
    assert_contract(answer, index)
    dated = {"question": QUESTIONS[0], "filters": {"date_from": "2023", "date_to": "2023-12-31"}}
    answer = api.post("/v1/ask", json=dated).json()
    assert answer["passages"] and {p["date"][:4] for p in answer["passages"]} == {"2023"}


def test_top_k_sets_how_many_passages_come_back(api: httpx.Client) -> None:
    answer = api.post("/v1/ask", json={"question": QUESTIONS[0], "top_k": 9}).json()
    assert len(answer["passages"]) == 9


def test_documents_lists_the_catalog(api: httpx.Client, index: Index) -> None:
    listed = api.get("/v1/documents").json()["documents"]
    assert [d["id"] for d in listed] == list(index.documents)
    assert listed[0] == index.documents[listed[0]["id"]].metadata()


def test_document_returns_text_metadata_and_paragraphs(api: httpx.Client, index: Index) -> None:
    doc = next(iter(index.documents.values()))
    body = api.get(f"/v1/documents/{doc.id}").json()
    assert body["text"] == doc.text
    assert {k: body[k] for k in doc.metadata()} == doc.metadata()
    assert body["paragraphs"] and all(index.chunks[p["paragraph_id"]].document_id == doc.id for p in body["paragraphs"])


def test_paragraph_accepts_an_url_encoded_id(api: httpx.Client, asked: dict[str, dict[str, Any]], index: Index) -> None:
    citation = asked[QUESTIONS[0]]["citations"][0]
    paragraph_id = citation["paragraph_id"]
    assert "#" in paragraph_id
    body = api.get(f"/v1/paragraphs/{quote(paragraph_id, safe='')}").json()
    doc = index.documents[body["document_id"]]
    assert body["paragraph_id"] == paragraph_id
    assert body["text"] == doc.text[body["start"] : body["end"]]
    assert body["start"] <= citation["start"] and citation["end"] <= body["end"]


def test_paragraph_id_without_part_returns_the_whole_paragraph(api: httpx.Client, index: Index) -> None:
    first_part = next(c for c in index.chunks.values() if c.id.endswith(".1"))
    whole = first_part.id.removesuffix(".1")
    parts = [c for c in index.chunks.values() if c.id.startswith(f"{whole}.")]
    body = api.get(f"/v1/paragraphs/{quote(whole, safe='')}").json()
    assert (body["start"], body["end"]) == (first_part.start, max(c.end for c in parts))
    assert body["text"] == index.documents[first_part.document_id].text[body["start"] : body["end"]]


def test_openapi_document_and_docs_page_are_served(api: httpx.Client) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for path in ("/v1/ask", "/v1/ask/stream", "/v1/chat/completions", "/v1/models", "/healthz"):
        assert path in paths
    assert "/v1/{rest}" not in paths
    assert "swagger" in api.get("/docs").text.lower()


def test_chat_page_is_still_served_at_the_root(api: httpx.Client) -> None:
    response = api.get("/")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]


def test_concurrent_requests_answer_like_sequential_ones(settings: Settings, live_server: Any, index: Index) -> None:
    # Questions no other test asks, so the shared answerer's query cache is cold when 8 threads arrive.
    questions = [
        "How did Xi describe the relationship between security and development?",
        "What role should internet companies play in cyberspace governance?",
        "What did the July 2023 conference say about the next stage of cyber work?",
        "Why are core technologies compared to a vital gate?",
    ]

    def ask(client: httpx.Client, question: str) -> dict[str, Any]:
        response = client.post("/v1/ask", json={"question": question})
        assert response.status_code == 200, response.text
        return without_timings(response.json())

    with httpx.Client(base_url=live_server.url, timeout=120) as client, ThreadPoolExecutor(8) as pool:
        concurrent = list(pool.map(lambda i: (i % 4, ask(client, questions[i % 4])), range(8 * 3)))
    # The sequential baseline comes from an answerer of its own, so nothing cached concurrently leaks into it.
    with (
        api_server(settings, fresh_answerer(settings)) as baseline,
        httpx.Client(base_url=baseline.url, timeout=60) as client,
    ):
        sequential = [ask(client, question) for question in questions]
    for which, answer in concurrent:
        assert answer == sequential[which]
        assert_contract(answer, index)
