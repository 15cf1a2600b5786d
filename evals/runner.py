"""Put every dataset item to a configuration (the Python answerer, a server, a retriever) and score it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from ..corpus import CiteqaError
from ..index.protocol import SearchIndex
from ..qa import Answerer, QAError, Retriever, Turn
from ..qa.plan import QueryPlan, make_plan
from .dataset import Item
from .evidence import Corpus, Gold
from .metrics import ANSWERER, RETRIEVAL, breakdown, failures
from .scoring import ItemScore, score


class EvalError(CiteqaError):
    """The evaluation cannot go on: the server under test is unreachable."""


class Target(Protocol):
    """One configuration under test. `ask` returns an answer object as contract JSON."""

    name: str
    kind: str

    def ask(self, item: Item) -> dict[str, Any]: ...


class ItemFailed(Exception):
    """This item's request failed; the run goes on and the item scores as empty."""


class PythonTarget:
    kind = ANSWERER

    def __init__(self, answerer: Answerer, top_k: int, name: str = "citeqa") -> None:
        self.answerer, self.top_k, self.name = answerer, top_k, name

    def ask(self, item: Item) -> dict[str, Any]:
        try:
            answer = self.answerer.ask(item.question, list(item.history), top_k=self.top_k)
        except QAError as exc:
            raise ItemFailed(str(exc)) from exc
        return answer.model_dump(mode="json")


class HttpTarget:
    """A running citeqa server: POST {url}/v1/ask with the contract's request body."""

    kind = ANSWERER

    def __init__(self, url: str, top_k: int, api_key: str | None = None, timeout: float = 60.0) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.url = url.rstrip("/")
        self.name = "citeqa"
        self.top_k = top_k
        self.client = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def ask(self, item: Item) -> dict[str, Any]:
        body = {"question": item.question, "history": list(item.history), "top_k": self.top_k}
        try:
            response = self.client.post("/v1/ask", json=body)
        except httpx.TransportError as exc:
            # Unreachable for one item means unreachable for all: stop instead of scoring zeros.
            raise EvalError(f"cannot reach {self.url}/v1/ask: {exc}") from exc
        if response.status_code != 200:
            raise ItemFailed(f"HTTP {response.status_code}: {_error_message(response)}")
        try:
            data = response.json()
        except ValueError as exc:
            raise ItemFailed(f"response is not JSON: {response.text[:200]!r}") from exc
        if not isinstance(data, dict):
            raise ItemFailed(f"response is not an answer object: {response.text[:200]!r}")
        return data


def _error_message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text[:200]


def plan_of(item: Item, index: SearchIndex) -> QueryPlan:
    """The plan the answerer makes for the item (without an LLM): the same function, not a copy of it."""
    return make_plan(item.question, [Turn.model_validate(t) for t in item.history], index)


class RetrievalTarget:
    """Passages only, queried the way the answerer queries (follow-ups carry their last exchange)."""

    kind = RETRIEVAL

    def __init__(self, retriever: Retriever, top_k: int, name: str) -> None:
        self.retriever, self.top_k, self.name = retriever, top_k, name

    def ask(self, item: Item) -> dict[str, Any]:
        passages = self.retriever.retrieve(plan_of(item, self.retriever.index), k=self.top_k)
        return {"passages": [p.model_dump(mode="json") for p in passages], "citations": [], "refused": False}


def retrieval_targets(answerer: Answerer, top_k: int) -> list[RetrievalTarget]:
    """Hybrid as the answerer runs it, and each half of it alone (its fusion weight set to 0)."""
    live = answerer.retriever

    def alone(dense_weight: float, lexical_weight: float) -> Retriever:
        # Every other setting as the answerer has it, so only the fusion differs.
        return Retriever(
            live.index,
            rrf_k=live.rrf_k,
            dense_weight=dense_weight,
            lexical_weight=lexical_weight,
            candidates=live.candidates,
            duplicate_similarity=live.duplicate_similarity,
        )

    return [
        RetrievalTarget(live, top_k, "hybrid"),
        RetrievalTarget(alone(0.0, live.lexical_weight), top_k, "bm25"),
        RetrievalTarget(alone(live.dense_weight, 0.0), top_k, "dense"),
    ]


@dataclass(frozen=True)
class Run:
    name: str
    kind: str
    scores: list[ItemScore]

    def result(self, k: int) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "summary": breakdown(self.scores, self.kind, k),
            "failures": failures(self.scores, self.kind),
            "latencies_ms": [round(s.latency_ms, 2) for s in self.scores],
        }


def run(
    target: Target,
    items: Sequence[Item],
    golds: dict[str, tuple[Gold, ...]],
    corpus: Corpus,
    progress: Callable[[str, int, int], None] | None = None,
) -> Run:
    scores = []
    for done, item in enumerate(items, start=1):
        started = time.perf_counter()
        answer: dict[str, Any] | None
        try:
            answer, error = target.ask(item), None
        except ItemFailed as exc:
            answer, error = None, str(exc)
        latency = (time.perf_counter() - started) * 1000
        scores.append(score(item, golds[item.id], corpus, answer, latency, error))
        if progress is not None:
            progress(target.name, done, len(items))
    return Run(target.name, target.kind, scores)
