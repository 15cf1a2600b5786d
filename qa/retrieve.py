"""Hybrid retrieval: BM25 and dense search fused by reciprocal rank, near-duplicates folded together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..index import Index
from ..index.chunking import language_of
from .models import Agreement, Passage


@dataclass(frozen=True)
class Filters:
    document_ids: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""


class Retriever:
    def __init__(
        self,
        index: Index,
        *,
        rrf_k: int = 60,
        dense_weight: float = 1.0,
        lexical_weight: float = 0.7,
        candidates: int = 40,
        duplicate_similarity: float = 0.945,
    ) -> None:
        self.index = index
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self.lexical_weight = lexical_weight
        self.candidates = candidates
        self.duplicate_similarity = duplicate_similarity

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

    def fused(self, query: str, filters: Filters = Filters()) -> list[tuple[str, float, float | None, float | None]]:
        """(paragraph id, fused score, dense cosine, BM25 score), best first."""
        allowed = self._allowed_documents(filters)
        if allowed == []:
            return []
        dense = self.index.dense(query, self.candidates, allowed)
        lexical = self.index.lexical_search(query, self.candidates * 3 if allowed else self.candidates)
        if allowed is not None:
            keep = set(allowed)
            lexical = [(pid, s) for pid, s in lexical if self.index.chunks[pid].document_id in keep]
        scores: dict[str, float] = {}
        dense_of = dict(dense)
        lexical_of = dict(lexical)
        for weight, ranking in ((self.dense_weight, dense), (self.lexical_weight, lexical[: self.candidates])):
            for rank, (pid, _) in enumerate(ranking):
                scores[pid] = scores.get(pid, 0.0) + weight / (self.rrf_k + rank + 1)
        ordered = sorted(scores.items(), key=lambda item: -item[1])
        return [(pid, s, dense_of.get(pid), lexical_of.get(pid)) for pid, s in ordered]

    def retrieve(self, query: str, k: int = 5, filters: Filters = Filters()) -> list[Passage]:
        ranked = self.fused(query, filters)
        wanted = language_of(query)
        same_language = [r for r in ranked if self.index.chunks[r[0]].language == wanted]
        # A question in one language is answered from paragraphs in that language when there are any.
        ranked = same_language or ranked
        chosen: list[Passage] = []
        chosen_rows: list[int] = []
        for pid, score, dense, lexical in ranked:
            if len(chosen) >= k:
                break
            row = self.index.paragraph_row[pid]
            twin = self._twin_of(row, chosen_rows, pid)
            if twin is not None:
                chosen[twin].agreement.append(self._agreement(pid, row, chosen_rows[twin]))
                continue
            chosen.append(self._passage(pid, score, dense, lexical))
            chosen_rows.append(row)
        return chosen

    def _twin_of(self, row: int, chosen_rows: Sequence[int], pid: str) -> int | None:
        if not chosen_rows:
            return None
        matrix = self.index.paragraph_matrix
        sims = matrix[list(chosen_rows)] @ matrix[row]
        best = int(np.argmax(sims))
        other = self.index.body_ids[chosen_rows[best]]
        same_doc = self.index.chunks[other].document_id == self.index.chunks[pid].document_id
        return best if sims[best] >= self.duplicate_similarity and not same_doc else None

    def _agreement(self, pid: str, row: int, twin_row: int) -> Agreement:
        chunk = self.index.chunks[pid]
        similarity = float(self.index.paragraph_matrix[row] @ self.index.paragraph_matrix[twin_row])
        return Agreement(
            paragraph_id=pid,
            document_id=chunk.document_id,
            title=self.index.documents[chunk.document_id].title,
            similarity=round(similarity, 4),
        )

    def _passage(self, pid: str, score: float, dense: float | None, lexical: float | None) -> Passage:
        chunk = self.index.chunks[pid]
        doc = self.index.documents[chunk.document_id]
        return Passage(
            paragraph_id=pid,
            document_id=doc.id,
            source_file=doc.source_file,
            text=chunk.text,
            start=chunk.start,
            end=chunk.end,
            score=round(score, 6),
            title=doc.title,
            date=doc.date,
            kind=doc.kind,
            heading=chunk.heading,
            language=chunk.language,
            dense_score=None if dense is None else round(dense, 4),
            lexical_score=None if lexical is None else round(lexical, 4),
            page=page.number if (page := doc.page_at(chunk.start)) else None,
        )
