"""The answerer: retrieve, pick verbatim evidence, refuse when it does not hold, verify every quote.

Runs with no LLM (extractive). With an LLM it lets the model phrase claims, keeps only the claims
whose quotes are found in the passages, and falls back to the extractive answer when none survive.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..index.lexical import tokenize
from .compose import cite_spans, dateline, extend_enumerations, merged_spans, pick
from .errors import InvalidQuestionError
from .evidence import (
    SLOT_NOUNS,
    Question,
    Scored,
    Vocabulary,
    question_parts,
    score_sentences,
    shown_before,
    slot_filled,
    unsupported_values,
)
from .followup import earlier_question, retrieval_query
from .models import Answer, Citation, Passage, Turn
from .quotes import verified
from .retrieve import Filters, Retriever

QUERY_CHARS = 1000  # the embedder and BM25 see at most this much of a question


@dataclass(frozen=True)
class Thresholds:
    """Support thresholds, set by measurement on the tuning half of the dev set (evals/)."""

    min_dense: float = 0.80
    min_dense_unknown: float = 0.84
    min_overlap: float = 0.2
    margin: float = 0.03
    max_citations: int = 3


class Generator(Protocol):
    """An optional generative step (qa.llm): verified claims, or None to fall back."""

    def condense(self, question: str, history: Sequence[Turn]) -> str | None: ...

    def answer(
        self, question: str, history: Sequence[Turn], passages: Sequence[Passage]
    ) -> tuple[str, list[Citation]] | None: ...


@dataclass
class _Draft:
    text: str
    citations: list[Citation]
    refusal: str | None = None
    corrected: bool = False


class Answerer:
    def __init__(
        self,
        retriever: Retriever,
        llm: Generator | None = None,
        *,
        top_k: int = 5,
        thresholds: Thresholds = Thresholds(),
    ) -> None:
        self.retriever = retriever
        self.index = retriever.index
        self.llm = llm
        self.top_k = top_k
        self.thresholds = thresholds
        self.vocab = Vocabulary(self.index)
        # Lowered once: asserted names are looked up in the whole corpus on every question.
        self._lowered_texts = [doc.text.lower() for doc in self.index.documents.values()]

    def ask(
        self,
        question: str,
        history: Sequence[Turn | dict[str, Any]] | None = None,
        *,
        top_k: int | None = None,
        filters: Filters = Filters(),
        use_llm: bool = True,
    ) -> Answer:
        events = self.stream(question, history, top_k=top_k, filters=filters, use_llm=use_llm)
        for kind, payload in events:
            if kind == "done":
                return payload  # type: ignore[no-any-return]
        raise AssertionError("stream ended without an answer")

    def stream(
        self,
        question: str,
        history: Sequence[Turn | dict[str, Any]] | None = None,
        *,
        top_k: int | None = None,
        filters: Filters = Filters(),
        use_llm: bool = True,
    ) -> Iterator[tuple[str, Any]]:
        """Events: ("passages", list), ("delta", str)…, ("citation", Citation)…, ("done", Answer).

        Text is streamed only after every quote has been verified, so nothing unverified is ever shown.
        """
        started = time.perf_counter()
        turns = _turns(history)
        if not question or not question.strip():
            raise InvalidQuestionError("the question is empty")
        earlier = earlier_question(question.strip(), turns)
        query = retrieval_query(question.strip(), turns)
        if self.llm is not None and use_llm and earlier is not None:
            # A follow-up: let the model restate it; the extractive carry-over stays as the fallback.
            query = self.llm.condense(question, turns) or query
        query = query[:QUERY_CHARS]
        k = max(top_k or self.top_k, 5)
        parts = question_parts(query)
        if len(parts) > 1:
            # Each part of a two-part question gets its own retrieval, so neither crowds the other out.
            passages = _interleave([self.retriever.retrieve(part, k=k, filters=filters) for part in parts], k)
        else:
            passages = self.retriever.retrieve(query, k=k, filters=filters)
        retrieved = time.perf_counter()
        yield "passages", passages

        draft: _Draft | None = None
        mode = "extractive"
        if self.llm is not None and use_llm and passages:
            generated = self.llm.answer(question, turns, passages)
            if generated is not None:
                draft, mode = _Draft(*generated), "llm"
        if draft is None:
            draft = self._extractive(question, passages, turns, earlier)
        draft.citations = verified(draft.citations, self.index.documents)
        if draft.refusal is None and not draft.citations:
            draft = _Draft("", [], refusal="No passage of the corpus could be quoted in support of an answer.")
        answer = Answer(
            question=question,
            answer=draft.text if draft.refusal is None else f"I can't answer that from the corpus. {draft.refusal}",
            refused=draft.refusal is not None,
            refusal_reason=draft.refusal,
            citations=draft.citations if draft.refusal is None else [],
            passages=passages,
            mode=mode,  # type: ignore[arg-type]
            retrieval_query=query,
            premise_corrected=draft.corrected,
        )
        for piece in re.findall(r"\S+\s*", answer.answer):
            yield "delta", piece
        for item in answer.citations:
            yield "citation", item
        done = time.perf_counter()
        answer.timings_ms = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "answer": round((done - retrieved) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        yield "done", answer

    def _extractive(self, question: str, passages: list[Passage], turns: Sequence[Turn], earlier: str | None) -> _Draft:
        parsed = Question.parse(question)
        if not passages:
            return _Draft("", [], refusal="The corpus has no passage on this subject.")
        # Retrieval reads a follow-up with the earlier question; choosing the sentence that answers it
        # goes by the follow-up's own words, or the earlier topic's sentences win again.
        vector = self.index.embedder.embed_query(question[:QUERY_CHARS])
        context = Question.parse(earlier) if earlier is not None else None
        scored = score_sentences(self.index, passages, vector, parsed, self.vocab, context)
        said = {w for t in turns if t.role == "assistant" for w in tokenize(t.content)}
        fresh = [s for s in scored if not shown_before(self._text(s), said)] if said else scored
        # A follow-up wants something new; what the last answer already said is kept only as a last resort.
        scored = fresh or scored
        if not scored:
            return _Draft("", [], refusal=_nearby("No sentence of the retrieved passages fits the question.", passages))
        best = scored[0]
        t = self.thresholds
        # A follow-up's topic was settled by the turn before it; only a fresh question can be off-topic.
        if context is None and best.dense < t.min_dense and best.overlap < t.min_overlap:
            return _Draft("", [], refusal=_nearby("Nothing in the corpus addresses this question.", passages))
        top_sentences = [(self._text(s), s.passage.date) for s in scored[:5]]
        if not slot_filled(parsed, top_sentences):
            wanted = SLOT_NOUNS[parsed.slot or "date"]
            return _Draft(
                "",
                [],
                refusal=_nearby(f"The corpus discusses this but does not give the {wanted} asked for.", passages),
            )
        evidence = " ".join(p.text for p in passages[:3])
        missing = unsupported_values(parsed, evidence + " " + " ".join(p.date for p in passages[:3]))
        unknown = [m for m in missing if not self._in_corpus(m)]
        if unknown and best.dense < t.min_dense_unknown:
            return _Draft("", [], refusal=_nearby(f"The corpus says nothing about {', '.join(unknown)}.", passages))
        chosen = pick(scored, t.margin, t.max_citations)
        chosen += self._per_part(question, passages, chosen)
        spans = extend_enumerations(
            merged_spans(chosen, self.index.documents), self.index.documents, self.index.sentences
        )
        corrected = bool(missing)
        if corrected and any(y for y in parsed.years if y in missing):
            doc = self.index.documents[chosen[0].passage.document_id]
            span = dateline(doc)
            if span is not None and not any(s <= span[0] and span[1] <= e for _, _, s, e in spans):
                spans.append((doc.id, chosen[0].passage.paragraph_id, *span))
        lines, citations = cite_spans(spans, self.index.documents)
        if corrected:
            lines.insert(0, f"The sources do not support {', '.join(f'“{m}”' for m in missing)} in the question.")
        return _Draft("\n".join(lines), citations, corrected=corrected)

    def _per_part(self, question: str, passages: list[Passage], chosen: list[Scored]) -> list[Scored]:
        """For a question that asks two things, the best sentence for each part not yet chosen."""
        parts = question_parts(question)
        if len(parts) < 2:
            return []
        taken = {(c.passage.paragraph_id, c.start) for c in chosen}
        extra = []
        for part in parts:
            vector = self.index.embedder.embed_query(part)
            ranked = score_sentences(self.index, passages, vector, Question.parse(part), self.vocab)
            best = ranked[0] if ranked else None
            if best is not None and (best.passage.paragraph_id, best.start) not in taken:
                taken.add((best.passage.paragraph_id, best.start))
                extra.append(best)
        return extra

    def _in_corpus(self, value: str) -> bool:
        lowered = value.lower()
        return any(lowered in text for text in self._lowered_texts)

    def _text(self, item: Scored) -> str:
        return self.index.document_text(item.passage.document_id)[item.start : item.end]


def _turns(history: Sequence[Turn | dict[str, Any]] | None) -> list[Turn]:
    turns = []
    for turn in history or []:
        try:
            turns.append(turn if isinstance(turn, Turn) else Turn.model_validate(turn))
        except ValueError as exc:
            raise InvalidQuestionError(f"history turns need role 'user' or 'assistant' and content: {exc}") from exc
    return turns


def _interleave(rankings: Sequence[list[Passage]], k: int) -> list[Passage]:
    merged: list[Passage] = []
    seen: set[str] = set()
    for rank in range(max(len(r) for r in rankings)):
        for ranking in rankings:
            if rank < len(ranking) and ranking[rank].paragraph_id not in seen and len(merged) < k:
                seen.add(ranking[rank].paragraph_id)
                merged.append(ranking[rank])
    return merged


def _nearby(reason: str, passages: Sequence[Passage]) -> str:
    if not passages:
        return reason
    titles = []
    for p in passages[:3]:
        label = f"“{p.title}” ({p.date})"
        if label not in titles:
            titles.append(label)
    return f"{reason} The nearest passages are in {', '.join(titles)}."
