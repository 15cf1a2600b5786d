"""One plan per question: what retrieval reads, the parts, the follow-up reading, filters, and one vector per text.

Everything that answers a question (the answerer, the evals, the benchmarks) works from this plan, so the
retrieval that evals measure is the answerer's own, and no text is embedded twice for one question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..corpus.text import years_in
from ..index.protocol import SearchIndex
from .followup import earlier_question
from .models import Turn
from .parts import question_parts
from .slots import asked

# Chat shorthand of English, spelt out so that a corpus written in full words matches it ("whats the max
# size", "how do i quit being a dev"). Only words no text uses in another sense: not "n", "u" or "min".
_SHORTHAND = {
    "abt": "about",
    "max": "maximum",
    "dev": "developer",
    "devs": "developers",
    "info": "information",
    "config": "configuration",
    "pls": "please",
    "plz": "please",
    "gotta": "have to",
    "wanna": "want to",
}
_SHORTHAND_WORD = re.compile(rf"(?<![\w-])({'|'.join(_SHORTHAND)})(?![\w-])")


def spelt_out(question: str) -> str:
    """The question with its chat shorthand in full words (lower-case shorthand only: "MAX" may be a name)."""
    return _SHORTHAND_WORD.sub(lambda m: _SHORTHAND[m.group(1)], question)


# A thing pointed at; "he" in a part points at a person its words need not repeat to be found.
_THING = re.compile(r"\b(it|its|they|them|their|this|these|those)\b", re.I)

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
    searched_parts: tuple[str, ...] = ()  # what retrieval reads for each part
    compares: bool = False  # the parts are alternatives the question sets side by side

    @property
    def is_follow_up(self) -> bool:
        return self.earlier is not None

    @property
    def looks_beyond_earlier(self) -> bool:
        """Whether this follow-up asks something new of the earlier subject, so that its own words are
        searched too; one asking a date, version or figure of it is answered where the subject is."""
        return self.earlier is not None and asked(self.question)[0] is None

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
    question = spelt_out(question.strip())[:QUERY_CHARS]
    earlier = earlier_question(question, turns)
    query = question if earlier is None else f"{question} {earlier}"
    if earlier is not None and condense is not None:
        query = condense(question, turns) or query
    query = query[:QUERY_CHARS]
    # A two-part question is retrieved part by part, so neither part crowds the other out.
    asks = question_parts(question)
    parts = asks.texts
    # A later part that points back at a thing ("…, and does every decoder have to support it?") is
    # retrieved with the part before it, as a follow-up is with the question before it.
    searched = tuple(f"{p} {parts[i - 1]}" if i and _THING.search(p) else p for i, p in enumerate(parts))
    # The earlier question is searched on its own only by a follow-up that looks beyond it (see below).
    topic = [earlier] if earlier is not None and asked(question)[0] is None else []
    texts = dict.fromkeys([query, question, *parts, *searched, *topic])
    vectors = {text: index.embed_query(text) for text in texts}
    return QueryPlan(question, query, parts, earlier, filters, vectors, years_in(query), searched, asks.compared)
