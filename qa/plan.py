"""One plan per question: what retrieval reads, the parts, the follow-up reading, filters, and one vector per text.

Everything that answers a question (the answerer, the evals, the benchmarks) works from this plan, so the
retrieval that evals measure is the answerer's own, and no text is embedded twice for one question.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..corpus.text import years_in
from ..index.protocol import SearchIndex
from .evidence import question_parts
from .followup import earlier_question
from .models import Turn

QUERY_CHARS = 1000  # the embedder and BM25 see at most this much of a question


@dataclass(frozen=True)
class Filters:
    document_ids: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""


@dataclass(frozen=True)
class QueryPlan:
    question: str
    query: str
    parts: tuple[str, ...]
    earlier: str | None
    filters: Filters
    vectors: Mapping[str, np.ndarray] = field(repr=False)
    years: tuple[str, ...] = ()  # named in the question: a soft hint at which documents it is about

    @property
    def is_follow_up(self) -> bool:
        return self.earlier is not None

    def vector(self, text: str) -> np.ndarray:
        return self.vectors[text]


Condense = Callable[[str, Sequence[Turn]], str | None]


def make_plan(
    question: str,
    turns: Sequence[Turn],
    index: SearchIndex,
    filters: Filters = Filters(),
    condense: Condense | None = None,
) -> QueryPlan:
    """`condense` (an LLM's restatement of a follow-up) replaces the extractive carry-over when it answers."""
    question = question.strip()[:QUERY_CHARS]
    earlier = earlier_question(question, turns)
    query = question if earlier is None else f"{question} {earlier}"
    if earlier is not None and condense is not None:
        query = condense(question, turns) or query
    query = query[:QUERY_CHARS]
    # A two-part question is retrieved part by part, so neither part crowds the other out.
    parts = tuple(question_parts(question))
    parts = parts if len(parts) > 1 else ()
    texts = dict.fromkeys([query, question, *parts])
    vectors = {text: index.embed_query(text) for text in texts}
    return QueryPlan(question, query, parts, earlier, filters, vectors, years_in(query))
