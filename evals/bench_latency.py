"""Warm query latency, stage by stage: citeqa's answerer against LlamaIndex's default retriever.

citeqa's stages are timed by wrapping, for the duration of a measurement, the three index calls every
query makes (query embedding, BM25, Chroma search); fusion is the rest of retrieval and answer
composition is what follows it, both as the answerer itself reports them in `timings_ms`. Nothing in
qa/ or index/ knows it is being measured.

Questions are asked twice: the first pass misses the embedder's query cache (unique questions, as a
server mostly sees), the second hits it (a repeated question skips the model).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from llama_index.core.schema import QueryBundle

from ..index import Index
from ..qa import AnswerDone, Answerer, PassagesFound

STAGES = ("query embedding", "BM25", "vector search", "fusion", "answer composition")
WARM_UP = (
    "What is cyberspace?",
    "How should the internet be governed?",
    "What did the conference decide?",
)


class StageClock:
    """Accumulated seconds per stage since the last `take()`."""

    def __init__(self) -> None:
        self._spent: defaultdict[str, float] = defaultdict(float)

    def wrap(self, stage: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self._spent[stage] += time.perf_counter() - started

        return timed

    def take(self) -> dict[str, float]:
        spent, self._spent = dict(self._spent), defaultdict(float)
        return spent


@contextmanager
def clocked(index: Index) -> Iterator[StageClock]:
    """Time the index's query calls by shadowing them with instance attributes, removed afterwards."""
    clock = StageClock()
    targets = (
        (index.embedder, "embed_query", "query embedding"),
        (index.lexical_index, "search", "BM25"),
        (index.vectors, "search", "vector search"),
    )
    for owner, name, stage in targets:
        setattr(owner, name, clock.wrap(stage, getattr(owner, name)))
    try:
        yield clock
    finally:
        for owner, name, _ in targets:
            delattr(owner, name)


def answer_stages(answerer: Answerer, clock: StageClock, question: str) -> dict[str, float]:
    """Milliseconds per stage of one extractive answer, and its end-to-end total."""
    clock.take()
    started = time.perf_counter()
    retrieval: dict[str, float] = {}
    timings: dict[str, float] = {}
    for event in answerer.stream(question, use_llm=False):
        if isinstance(event, PassagesFound):
            retrieval = clock.take()
        elif isinstance(event, AnswerDone):
            timings = event.answer.timings_ms
    total = (time.perf_counter() - started) * 1000
    searched = {stage: retrieval.get(stage, 0.0) * 1000 for stage in STAGES[:3]}
    return {
        **searched,
        "fusion": max(timings["retrieve"] - sum(searched.values()), 0.0),
        "answer composition": timings["answer"],
        "total": total,
    }


def summarize(samples: Sequence[dict[str, float]]) -> dict[str, dict[str, float]]:
    """p50 and p95 per key, in milliseconds."""
    keys = samples[0].keys() if samples else ()
    return {
        key: {
            "p50": round(float(np.percentile([s[key] for s in samples], 50)), 2),
            "p95": round(float(np.percentile([s[key] for s in samples], 95)), 2),
        }
        for key in keys
    }


def llamaindex_stages(retriever: Any, question: str, vector: np.ndarray) -> dict[str, float]:
    """LlamaIndex's retriever as it runs (it embeds every query), and again with the vector supplied."""
    started = time.perf_counter()
    retriever.retrieve(question)
    total = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    retriever.retrieve(QueryBundle(query_str=question, embedding=[float(x) for x in vector]))
    search = (time.perf_counter() - started) * 1000
    return {"query embedding": max(total - search, 0.0), "vector search": search, "total": total}


def measure(answerer: Answerer, questions: Sequence[str], baseline: Any | None = None) -> dict[str, Any]:
    """Cache-miss and cache-hit passes for citeqa; the baseline is timed right after each miss."""
    index = answerer.index
    unique = list(dict.fromkeys(questions))
    for question in WARM_UP:
        answerer.ask(question, use_llm=False)
    miss: list[dict[str, float]] = []
    hit: list[dict[str, float]] = []
    other: list[dict[str, float]] = []
    with clocked(index) as clock:
        for question in unique:
            miss.append(answer_stages(answerer, clock, question))
            if baseline is not None:
                # Interleaved, so both see the same load on a busy machine.
                other.append(llamaindex_stages(baseline, question, index.embedder.embed_query(question)))
        for question in unique:
            hit.append(answer_stages(answerer, clock, question))
    result = {"questions": len(unique), "citeqa_cache_miss": summarize(miss), "citeqa_cache_hit": summarize(hit)}
    if baseline is not None:
        result["llamaindex_default"] = summarize(other)
    return result
