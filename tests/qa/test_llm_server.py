"""LLM mode against a real llama.cpp server (xllamacpp serving SmolLM2-135M from PyPI) on 127.0.0.1.

Quality is not the point: a 135M model answers poorly. These tests prove the HTTP contract, that whatever the
model writes is checked before it is shown, that a slow model falls back, and that constrained decoding
yields only verbatim quotes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from citeqa.evals.verify import text_problems
from citeqa.qa import Answer, Answerer, Retriever
from citeqa.qa.llm import SYSTEM, HttpChat, LLMGenerator
from citeqa.qa.quotes import is_verbatim
from citeqa.wiring import passage_sentences
from tests.llm_server import LlamaServer, model_path
from tests.qa.memory_index import MemoryIndex, document

HARBOUR = (
    "The harbour festival began as a fishermen's market in 1921.\n\n"
    "The festival is held every summer in Valmora, at the old quay. "
    "Boats are decorated with lanterns for the opening night.\n\n"
    "Tickets cost nothing, and the town council pays for the fireworks."
)
QUESTION = "Where is the harbour festival held?"


@pytest.fixture(scope="module")
def llama() -> Iterator[LlamaServer]:
    with LlamaServer(model_path()) as server:
        yield server


@pytest.fixture(scope="module")
def index() -> MemoryIndex:
    return MemoryIndex([document("harbour", HARBOUR, "Harbour festival", "2021-06-01")])


def ask(index: MemoryIndex, url: str, *, constrained: bool = False, timeout: float = 300) -> Answer:
    chat = HttpChat(url, model="smollm2", api_key="x")
    llm = LLMGenerator(chat, index.documents, passage_sentences(index), timeout=timeout, constrained=constrained)
    return Answerer(Retriever(index), llm=llm).ask(QUESTION)


def assert_nothing_unverified(answer: Answer, index: MemoryIndex) -> None:
    assert answer.citations and all(is_verbatim(c, index.documents) for c in answer.citations)
    assert text_problems(answer.model_dump(mode="json")) == []


def test_the_server_streams_a_chat_completion_over_http(llama: LlamaServer) -> None:
    body = {"messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "Say hello."}],
            "max_tokens": 12, "temperature": 0.0, "stream": True}  # fmt: skip
    pieces = list(HttpChat(llama.url, model="smollm2", api_key="x").stream(body, 300))
    assert len(pieces) > 1 and "".join(pieces).strip()


def test_whatever_the_model_writes_only_verified_claims_are_shown(llama: LlamaServer, index: MemoryIndex) -> None:
    answer = ask(index, llama.url)
    assert answer.llm is not None and answer.llm.model_ms is not None
    if answer.mode == "llm":
        assert answer.llm.admitted == len(answer.citations)
    else:
        assert answer.llm.fallback is not None
    assert_nothing_unverified(answer, index)


def test_constrained_decoding_yields_only_verbatim_quotes(llama: LlamaServer, index: MemoryIndex) -> None:
    answer = ask(index, llama.url, constrained=True)
    assert answer.llm is not None and answer.llm.error is None
    assert answer.llm.proposed >= 1
    assert "quote_not_found" not in answer.llm.dropped and "malformed" not in answer.llm.dropped
    assert_nothing_unverified(answer, index)


def test_a_model_slower_than_the_timeout_falls_back_to_the_extractive_answer(
    llama: LlamaServer, index: MemoryIndex
) -> None:
    answer = ask(index, llama.url, timeout=0.05)
    assert answer.mode == "extractive"
    assert answer.llm is not None and answer.llm.fallback == "timeout"
    assert any("Valmora" in c.quote for c in answer.citations)
    assert_nothing_unverified(answer, index)
