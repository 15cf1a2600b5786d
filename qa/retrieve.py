"""Hybrid retrieval: BM25 and dense search fused by reciprocal rank, near-duplicates folded together."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import astuple, dataclass, replace
from typing import Generic, TypeVar

import numpy as np

from ..corpus.text import language_of, tokenize, versions_in
from ..index.protocol import SearchIndex
from .editions import superseded
from .models import Agreement, Passage
from .plan import Filters, QueryPlan

# The store behind the protocol, so that an edge holding an Answerer can still reach its build's details.
IndexT = TypeVar("IndexT", bound=SearchIndex)


@dataclass(frozen=True)
class Weights:
    """How much a passage's metadata and its best sentence move it against the fused rank.

    Fitted on the tune halves of every dev corpus by evals/fit_retrieval.py (its output:
    evals/results/retrieval.json: held-out recall@5 .76→.79, .56→.63, .80→.83 and .77→.73 on the four dev
    corpora against plain fusion; the version weight lifts the release notes' tune half .56→.74 and costs
    their held-out half one question); 0 for all is plain reciprocal-rank fusion. A share of the BM25 score (which the fusion
    reduces to a rank) was on the grid too and fitted to 0.
    """

    year: float = 0.1  # the document's date, title or heading names a year the question names
    version: float = 0.8  # the passage or its heading names a version number the question names ("gzip 1.12")
    title: float = 0.1  # share of the document title's and section heading's words the question uses
    sentence: float = 0.25  # cosine of the passage's best sentence to the question
    superseded: float = 0.1  # taken off a passage of a document the corpus holds a later edition of (qa.editions)


# How many of the combined reading's passages lead a follow-up's ranking before its own words' passages
# interleave. Chosen on the tune halves of the five dev corpora (citeqa eval --all-corpora): 0 cost
# packaging-specs and systemd-docs one cited answer each; 2 and 3 lost none, and 2 kept more recall@5.
FOLLOW_UP_LEAD = 2


@dataclass(frozen=True)
class Ranked:
    paragraph_id: str
    score: float
    dense: float | None
    lexical: float | None


class Retriever(Generic[IndexT]):
    def __init__(
        self,
        index: IndexT,
        *,
        rrf_k: int = 60,
        dense_weight: float = 1.0,
        lexical_weight: float = 0.7,
        candidates: int = 40,
        duplicate_similarity: float = 0.945,
        weights: Weights = Weights(),
    ) -> None:
        self.index = index
        self.weights = weights
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self.lexical_weight = lexical_weight
        self.candidates = candidates
        self.duplicate_similarity = duplicate_similarity
        self._superseded = superseded(index)

    def reweighted(self, weights: Weights) -> Retriever[IndexT]:
        """The same retriever with other weights; what it learned of the corpus is shared, not relearned."""
        other = copy.copy(self)
        other.weights = weights
        return other

    def _allowed_documents(self, filters: Filters) -> list[str] | None:
        if not filters.document_ids and not filters.date_from and not filters.date_to:
            return None
        allowed = []
        for doc in self.index.documents.values():
            if filters.document_ids and doc.id not in filters.document_ids:
                continue
            # Dates may be partial ("2017"): compare only the precision both sides have.
            if filters.date_from and doc.date and doc.date < filters.date_from[: len(doc.date)]:
                continue
            if filters.date_to and doc.date and doc.date[: len(filters.date_to)] > filters.date_to:
                continue
            allowed.append(doc.id)
        return allowed

    def fused(self, query: str, vector: np.ndarray, filters: Filters = Filters()) -> list[Ranked]:
        """Paragraphs by fused rank, best first, with their dense cosine and BM25 score."""
        allowed = self._allowed_documents(filters)
        if allowed == []:
            return []
        dense = self.index.dense(vector, self.candidates, allowed)
        lexical = self.index.lexical(query, self.candidates * 3 if allowed else self.candidates)
        if allowed is not None:
            keep = set(allowed)
            lexical = [hit for hit in lexical if self.index.paragraph(hit.paragraph_id).document_id in keep]
        scores: dict[str, float] = {}
        for weight, ranking in ((self.dense_weight, dense), (self.lexical_weight, lexical[: self.candidates])):
            for rank, hit in enumerate(ranking):
                scores[hit.paragraph_id] = scores.get(hit.paragraph_id, 0.0) + weight / (self.rrf_k + rank + 1)
        dense_of = {hit.paragraph_id: hit.score for hit in dense}
        lexical_of = {hit.paragraph_id: hit.score for hit in lexical}
        ordered = sorted(scores.items(), key=lambda item: -item[1])
        return [Ranked(pid, s, dense_of.get(pid), lexical_of.get(pid)) for pid, s in ordered]

    def retrieve(self, plan: QueryPlan, k: int = 5) -> list[Passage]:
        """The passages for a question's plan; a two-part question interleaves the parts' own rankings, and
        a follow-up the combined reading's with its own words' among the earlier subject's documents."""
        if plan.parts and not plan.is_follow_up:
            rankings = [self.search(p, plan.vector(p), k, plan.filters, plan.years) for p in plan.searched_parts]
            # Read whole, a comparison finds the passage setting both alternatives side by side, which
            # neither alternative alone does (a table of ranges, a list of majorities).
            if plan.compares:
                rankings.insert(0, self.search(plan.query, plan.vector(plan.query), k, plan.filters, plan.years))
            return _interleave(rankings, k)
        combined = self.search(plan.query, plan.vector(plan.query), k, plan.filters, plan.years)
        # A follow-up asking for a date, version or figure of the earlier subject finds it in that subject's
        # passages, which the combined reading finds: its own words ("which release added it?") would
        # bring in every release of the document.
        if plan.earlier is None or not plan.looks_beyond_earlier:
            return combined
        # An open follow-up asks something new about the earlier subject. Read with the earlier question it
        # finds that subject's passages again; its own words, searched within the documents the earlier
        # question is answered from, find the new thing ("and what kind of team does it say is needed?").
        topic = self.search(plan.earlier, plan.vector(plan.earlier), 3, plan.filters, plan.years)
        within = replace(plan.filters, document_ids=tuple(dict.fromkeys(p.document_id for p in topic)))
        own = self.search(plan.question, plan.vector(plan.question), k, within, plan.years) if topic else []
        # The combined reading keeps the lead: its first two passages answered most follow-ups before.
        lead = combined[:FOLLOW_UP_LEAD]
        kept = {p.paragraph_id for p in lead}
        rest = [[p for p in ranking if p.paragraph_id not in kept] for ranking in (combined, own)]
        return lead + _interleave(rest, k - len(lead))

    def search(
        self,
        query: str,
        vector: np.ndarray,
        k: int = 5,
        filters: Filters = Filters(),
        years: Sequence[str] = (),
    ) -> list[Passage]:
        ranked = self.fused(query, vector, filters)
        wanted = language_of(query)
        same_language = [r for r in ranked if self.index.paragraph(r.paragraph_id).language == wanted]
        # A question in one language is answered from paragraphs in that language when there are any.
        ranked = self._reordered((same_language or ranked)[: self.candidates], query, vector, years)
        chosen: list[Passage] = []
        for item in ranked:
            if len(chosen) >= k:
                break
            twin = self._twin_of(item.paragraph_id, chosen)
            if twin is not None:
                twin.agreement.append(self._agreement(item.paragraph_id, twin.paragraph_id))
                continue
            chosen.append(self._passage(item))
        return chosen

    def _reordered(self, ranked: list[Ranked], query: str, vector: np.ndarray, years: Sequence[str]) -> list[Ranked]:
        """The candidates ordered by fused rank plus what their metadata and best sentence say."""
        w = self.weights
        if not ranked or not any(astuple(w)):
            return ranked
        # A ranking fused with one side weighted 0 can score every candidate 0: then rank order is all there is.
        top = max(ranked[0].score, 1e-9)
        words = set(tokenize(query))
        versions = set(versions_in(query))
        scored = []
        for item in ranked:
            paragraph = self.index.paragraph(item.paragraph_id)
            doc = self.index.documents[paragraph.document_id]
            named = f"{doc.title} {paragraph.heading}"
            score = item.score / top
            if years and (doc.date[:4] in years or any(y in named for y in years)):
                score += w.year
            if versions and versions & set(versions_in(f"{named} {paragraph.text}")):
                score += w.version
            # A year or version the question names is added above, so an old edition can still win.
            if doc.id in self._superseded:
                score -= w.superseded
            title_words = set(tokenize(named))
            if title_words:
                score += w.title * len(title_words & words) / len(title_words)
            sentences = self.index.sentences(item.paragraph_id)
            if sentences:
                score += w.sentence * max(float(s.vector @ vector) for s in sentences)
            scored.append(Ranked(item.paragraph_id, score, item.dense, item.lexical))
        return sorted(scored, key=lambda r: -r.score)

    def _twin_of(self, pid: str, chosen: Sequence[Passage]) -> Passage | None:
        """The chosen passage of another document that says the same (the same speech told again)."""
        document_id = self.index.paragraph(pid).document_id
        best, best_similarity = None, self.duplicate_similarity
        for passage in chosen:
            similarity = self.index.similarity(pid, passage.paragraph_id)
            if similarity >= best_similarity and passage.document_id != document_id:
                best, best_similarity = passage, similarity
        return best

    def _agreement(self, pid: str, twin: str) -> Agreement:
        paragraph = self.index.paragraph(pid)
        return Agreement(
            paragraph_id=pid,
            document_id=paragraph.document_id,
            title=self.index.documents[paragraph.document_id].title,
            similarity=round(self.index.similarity(pid, twin), 4),
        )

    def _passage(self, item: Ranked) -> Passage:
        paragraph = self.index.paragraph(item.paragraph_id)
        doc = self.index.documents[paragraph.document_id]
        return Passage(
            paragraph_id=item.paragraph_id,
            document_id=doc.id,
            source_file=doc.source_file,
            text=paragraph.text,
            start=paragraph.start,
            end=paragraph.end,
            score=round(item.score, 6),
            title=doc.title,
            date=doc.date,
            kind=doc.kind,
            heading=paragraph.heading,
            language=paragraph.language,
            dense_score=None if item.dense is None else round(item.dense, 4),
            lexical_score=None if item.lexical is None else round(item.lexical, 4),
            page=page.number if (page := doc.page_at(paragraph.start)) else None,
        )


def _interleave(rankings: Sequence[list[Passage]], k: int) -> list[Passage]:
    merged: list[Passage] = []
    seen: set[str] = set()
    for rank in range(max((len(r) for r in rankings), default=0)):
        for ranking in rankings:
            if rank < len(ranking) and ranking[rank].paragraph_id not in seen and len(merged) < k:
                seen.add(ranking[rank].paragraph_id)
                merged.append(ranking[rank])
    return merged
