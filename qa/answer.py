"""The answerer: retrieve, pick verbatim evidence, refuse when it does not hold, verify every quote.

Runs with no LLM (extractive). With an LLM it lets the model phrase claims, keeps only the claims
whose quotes are found in the passages, and falls back to the extractive answer when none survive.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic

from ..index.protocol import Span
from .assess import Assessment, Assessor, Thresholds
from .compose import cite_spans, dateline, extend_enumerations, merged_spans, pick
from .covering import Covering
from .direct import short_span
from .errors import InvalidQuestionError
from .events import AnswerDone, CitationAdded, Event, PassagesFound, TextDelta
from .evidence import (
    Question,
    Scored,
    Vocabulary,
    holds_answer,
)
from .llm_draft import Generator, LLMDraft
from .models import Answer, Citation, Passage, ShortAnswer, Turn
from .plan import Filters, QueryPlan, make_plan
from .quotes import citation, verified
from .retrieve import IndexT, Retriever
from .slots import DATE


@dataclass
class _Draft:
    text: str
    citations: list[Citation]
    refusal: str | None = None
    corrected: bool = False
    short: ShortAnswer | None = None


class Answerer(Generic[IndexT]):
    def __init__(
        self,
        retriever: Retriever[IndexT],
        llm: Generator | None = None,
        *,
        top_k: int = 5,
        thresholds: Thresholds = Thresholds(),
    ) -> None:
        self.retriever = retriever
        self.index: IndexT = retriever.index
        self.llm = llm
        self.top_k = top_k
        self.thresholds = thresholds
        self.vocab = Vocabulary(self.index)
        self._assess = Assessor(self.index, self.vocab, thresholds)
        self._covering = Covering(self._assess)

    def with_thresholds(self, thresholds: Thresholds) -> Answerer[IndexT]:
        """The same answerer judging by other thresholds; the corpus statistics are shared, not recounted."""
        other = copy.copy(self)
        other.thresholds = thresholds
        other._assess = Assessor(self.index, self.vocab, thresholds)
        other._covering = Covering(other._assess)
        return other

    def plan(
        self,
        question: str,
        history: Sequence[Turn | dict[str, Any]] | None = None,
        *,
        filters: Filters = Filters(),
        use_llm: bool = True,
    ) -> QueryPlan:
        """How this answerer reads the question: the one plan that retrieval and evidence both use."""
        if not question or not question.strip():
            raise InvalidQuestionError("the question is empty")
        # A follow-up is restated by the model when there is one; the extractive carry-over stays the fallback.
        condense = self.llm.condense if self.llm is not None and use_llm else None
        return make_plan(question, _turns(history), self.index, filters, condense)

    def retrieve(self, plan: QueryPlan, top_k: int | None = None) -> list[Passage]:
        return self.retriever.retrieve(plan, k=max(top_k or self.top_k, 5))

    def ask(
        self,
        question: str,
        history: Sequence[Turn | dict[str, Any]] | None = None,
        *,
        top_k: int | None = None,
        filters: Filters = Filters(),
        use_llm: bool = True,
    ) -> Answer:
        for event in self.stream(question, history, top_k=top_k, filters=filters, use_llm=use_llm):
            if isinstance(event, AnswerDone):
                return event.answer
        raise AssertionError("stream ended without an answer")

    def stream(
        self,
        question: str,
        history: Sequence[Turn | dict[str, Any]] | None = None,
        *,
        top_k: int | None = None,
        filters: Filters = Filters(),
        use_llm: bool = True,
    ) -> Iterator[Event]:
        """PassagesFound, then TextDelta pieces, CitationAdded for each citation, and AnswerDone.

        Text is streamed only after every quote has been verified, so nothing unverified is ever shown.
        """
        started = time.perf_counter()
        turns = _turns(history)
        plan = self.plan(question, turns, filters=filters, use_llm=use_llm)
        passages = self.retrieve(plan, top_k)
        retrieved = time.perf_counter()
        yield PassagesFound(passages)

        draft: _Draft | None = None
        mode = "extractive"
        generated: LLMDraft | None = None
        if self.llm is not None and use_llm and passages:
            # Each claim is shown as soon as it passes the checks; the extractive answer stands when none does.
            generated = LLMDraft(self.llm, self.index.documents)
            yield from generated.events(question, turns, passages)
            if generated.citations:
                draft, mode = _Draft(generated.text, generated.citations), "llm"
        if draft is None:
            draft = self._extractive(plan, passages, turns)
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
            retrieval_query=plan.query,
            premise_corrected=draft.corrected,
            llm=generated.report if generated is not None else None,
            short_answer=draft.short if draft.refusal is None and _cites(draft) else None,
        )
        if mode == "extractive":  # an LLM answer's claims went out as they were admitted
            for piece in re.findall(r"\S+\s*", answer.answer):
                yield TextDelta(piece)
            for item in answer.citations:
                yield CitationAdded(item)
        done = time.perf_counter()
        answer.timings_ms = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "answer": round((done - retrieved) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        if generated is not None and generated.first_claim_at is not None:
            answer.timings_ms["first_claim"] = round((generated.first_claim_at - started) * 1000, 2)
        yield AnswerDone(answer)

    def assess(self, question: str, history: Sequence[Turn | dict[str, Any]] | None = None) -> Assessment:
        """What the extractive path makes of the question before composing: its evidence, features, refusal."""
        turns = _turns(history)
        plan = self.plan(question, turns, use_llm=False)
        return self._assess(plan, self.retrieve(plan), turns)

    def _extractive(self, plan: QueryPlan, passages: list[Passage], turns: Sequence[Turn]) -> _Draft:
        assessed = self._assess(plan, passages, turns)
        if assessed.refusal is not None:
            return _Draft("", [], refusal=_nearby(assessed.refusal, passages))
        parsed, scored, missing, t = assessed.question, assessed.scored, assessed.missing, self.thresholds
        best = scored[0]
        chosen = pick(scored, t.margin, t.max_citations)
        chosen += self._covering.per_part(plan, parsed, passages, chosen)
        chosen += self._covering.per_value(parsed, scored, assessed.considered, chosen)
        wrong_year = any(y in missing for y in parsed.years)
        if wrong_year:
            chosen = self._dated(parsed, scored, chosen)
        spans = extend_enumerations(merged_spans(chosen, self.index.documents), self.index)
        corrected = bool(missing)
        if wrong_year and not any(DATE.search(self._assess.text(c)) for c in chosen):
            first = chosen[0].span
            date_span = dateline(self.index.documents[first.document_id])
            if date_span is not None and not any(s.start <= date_span[0] and date_span[1] <= s.end for s in spans):
                spans.append(Span(first.document_id, first.paragraph_id, *date_span))
        short = None if corrected else self._short(parsed, best)
        lines, citations = cite_spans(spans, self.index.documents, first_marker=2 if short else 1)
        if short is not None:
            citations.insert(0, short)
            lines.insert(0, f"{short.quote} [{short.marker}]")
        if corrected:
            lines.insert(0, f"The sources do not support {', '.join(f'“{m}”' for m in missing)} in the question.")
        answer_to = ShortAnswer(text=short.quote, marker=short.marker) if short is not None else None
        return _Draft("\n".join(lines), citations, corrected=corrected, short=answer_to)

    def _dated(self, parsed: Question, scored: list[Scored], chosen: list[Scored]) -> list[Scored]:
        """For a question asserting a year the sources do not support ("1.0.0 came out in 2012, right?"),
        the chosen sentences led by the best one dating what it names: the correction cites the corpus's
        own date for it, not whichever sentence reads closest."""
        as_when = replace(parsed, slot="date", slot_filler=DATE, years=())
        for item in scored:
            if holds_answer(as_when, self._assess.text(item), item.passage, self.vocab):
                return [item, *(c for c in chosen if c is not item)][: len(chosen)]
        return chosen

    def _short(self, parsed: Question, best: Scored) -> Citation | None:
        """The direct answer to a date, place or figure question, cut from the best sentence, as citation [1]."""
        found = short_span(parsed.slot, self._assess.text(best), parsed.text, self.vocab.is_generic)
        if found is None:
            return None
        span = best.span
        doc = self.index.documents[span.document_id]
        return citation(1, doc, span.paragraph_id, span.start + found[0], span.start + found[1])


def _turns(history: Sequence[Turn | dict[str, Any]] | None) -> list[Turn]:
    turns = []
    for turn in history or []:
        try:
            turns.append(turn if isinstance(turn, Turn) else Turn.model_validate(turn))
        except ValueError as exc:
            raise InvalidQuestionError(f"history turns need role 'user' or 'assistant' and content: {exc}") from exc
    return turns


def _cites(draft: _Draft) -> bool:
    """Whether the short answer's citation survived verification, as its text must be a verified quote."""
    short = draft.short
    return short is not None and any(c.marker == short.marker and c.quote == short.text for c in draft.citations)


def _nearby(reason: str, passages: Sequence[Passage]) -> str:
    if not passages:
        return reason
    titles = []
    for p in passages[:3]:
        label = f"“{p.title}” ({p.date})"
        if label not in titles:
            titles.append(label)
    return f"{reason} The nearest passages are in {', '.join(titles)}."
