"""Score one answer object (contract JSON) against one dataset item's gold evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .dataset import Item
from .evidence import Corpus, Gold, Span, overlaps
from .verify import text_problems

RETRIEVAL_FAILURE_K = 5  # an item whose gold evidence is not in the top 5 passages is a retrieval failure
_SHOWN_PASSAGES = 3
_SHOWN_CHARS = 240


@dataclass(frozen=True)
class ItemScore:
    item: Item
    latency_ms: float
    error: str | None
    gold_ranks: tuple[int | None, ...]  # per gold quote: rank (1-based) of the best passage hitting it
    gold_reach: tuple[int | None, ...]  # per gold quote: characters read, in rank order, to reach it
    citations: tuple[dict[str, Any], ...]  # compact: doc, start, end, quote, verbatim, supported, lenient
    gold_cited: tuple[bool, ...]  # per gold quote: some citation overlaps it
    refused: bool
    passage_chars: float | None  # mean length of the top 5 passages: bigger passages hit gold more easily
    retrieved: tuple[dict[str, Any], ...]  # compact top passages, for the failure list
    text_problems: tuple[str, ...] = ()  # what the answer text says that its citations do not back (evals.verify)

    def _found(self, hits: list[bool]) -> float | None:
        if not hits:
            return None
        return float(any(hits)) if self.item.any_of else sum(hits) / len(hits)

    def recall_at(self, k: int) -> float | None:
        """Share of the gold quotes found in the top k passages (any one of them for any_of items)."""
        return self._found([rank is not None and rank <= k for rank in self.gold_ranks])

    def recall_within(self, chars: int) -> float | None:
        """recall_at, with a reading budget instead of a passage count: fair to systems with long passages."""
        return self._found([reach is not None and reach <= chars for reach in self.gold_reach])

    @property
    def reciprocal_rank(self) -> float | None:
        if not self.gold_ranks:
            return None
        ranks = [rank for rank in self.gold_ranks if rank is not None]
        return 1 / min(ranks) if ranks else 0.0

    @property
    def cites_gold(self) -> bool:
        """Citation recall: one gold quote cited for any_of items, every gold quote otherwise."""
        if self.refused or not self.gold_cited:
            return False
        return any(self.gold_cited) if self.item.any_of else all(self.gold_cited)

    @property
    def corrects_premise(self) -> bool:
        """A false-premise item is answered, citing at least one quote that contradicts the premise."""
        return not self.refused and any(self.gold_cited)

    def answer_failures(self) -> list[str]:
        reasons = [f"request failed: {self.error}"] if self.error else []
        if self.refused and self.item.answerable:
            reasons.append("refused an answerable question")
        if not self.refused and not self.item.answerable:
            reasons.append("answered an unanswerable question")
        if not self.refused and self.item.type == "false-premise" and not self.corrects_premise:
            reasons.append("premise not corrected: no contradicting gold quote cited")
        elif not self.refused and self.item.answerable and not self.cites_gold:
            cited = sum(self.gold_cited)
            reasons.append(
                f"cited {cited} of {len(self.gold_cited)} gold quotes, all needed"
                if cited
                else "gold evidence not cited"
            )
        broken = sum(1 for c in self.citations if not c["verbatim"])
        if broken:
            reasons.append(f"{broken} citation(s) not verbatim")
        reasons += list(self.text_problems)
        return reasons

    def retrieval_failures(self) -> list[str]:
        reasons = [f"request failed: {self.error}"] if self.error else []
        recall = self.recall_at(RETRIEVAL_FAILURE_K)
        if recall is not None and recall < 1:
            reasons.append(f"gold evidence not in the top {RETRIEVAL_FAILURE_K} passages")
        return reasons


def _span(corpus: Corpus, obj: Mapping[str, Any]) -> Span | None:
    doc_id = corpus.resolve(str(obj.get("document_id", ""))) or corpus.resolve(str(obj.get("source_file", "")))
    start, end = obj.get("start"), obj.get("end")
    if doc_id is None or not isinstance(start, int) or not isinstance(end, int):
        return None
    return (doc_id, start, end)


def _reach(gold: Gold, spans: Sequence[Span | None]) -> int | None:
    """Characters a reader goes through, passage by passage, until the end of the first piece of the quote."""
    read = 0
    for span in spans:
        if span is None:
            continue
        ends = [min(o[2], span[2]) for o in gold.occurrences if overlaps(span, o)]
        if ends:
            return read + min(ends) - span[1]
        read += span[2] - span[1]
    return None


def _citation(corpus: Corpus, golds: Sequence[Gold], raw: Mapping[str, Any]) -> dict[str, Any]:
    span = _span(corpus, raw)
    quote = str(raw.get("quote", ""))
    verbatim = span is not None and 0 <= span[1] < span[2] and corpus.text(span[0])[span[1] : span[2]] == quote
    return {
        "doc": span[0] if span else raw.get("document_id"),
        "start": raw.get("start"),
        "end": raw.get("end"),
        "quote": quote,
        "verbatim": verbatim,
        "supported": span is not None and any(g.hit_by(span) for g in golds),
        "lenient": span is not None and any(g.near(span) for g in golds),
    }


def score(
    item: Item,
    golds: Sequence[Gold],
    corpus: Corpus,
    answer: Mapping[str, Any] | None,
    latency_ms: float,
    error: str | None = None,
) -> ItemScore:
    """An answer that failed to arrive (answer None) scores as empty: nothing retrieved, nothing cited."""
    answer = answer or {}
    passages = [p for p in answer.get("passages", []) if isinstance(p, Mapping)]
    spans = [_span(corpus, p) for p in passages]
    ranks = tuple(
        next((rank for rank, span in enumerate(spans, start=1) if span and gold.hit_by(span)), None) for gold in golds
    )
    citations = tuple(_citation(corpus, golds, c) for c in answer.get("citations", []) if isinstance(c, Mapping))
    cited_spans = [s for s in (_span(corpus, c) for c in answer.get("citations", []) if isinstance(c, Mapping)) if s]
    top = passages[:RETRIEVAL_FAILURE_K]
    return ItemScore(
        item=item,
        latency_ms=latency_ms,
        error=error,
        gold_ranks=ranks,
        gold_reach=tuple(_reach(gold, spans) for gold in golds),
        citations=citations,
        gold_cited=tuple(any(gold.hit_by(span) for span in cited_spans) for gold in golds),
        refused=bool(answer.get("refused", False)),
        passage_chars=sum(len(str(p.get("text", ""))) for p in top) / len(top) if top else None,
        retrieved=tuple(
            {
                "paragraph_id": p.get("paragraph_id"),
                "doc": p.get("document_id"),
                "text": str(p.get("text", ""))[:_SHOWN_CHARS],
            }
            for p in passages[:_SHOWN_PASSAGES]
        ),
        text_problems=tuple(text_problems(answer)) if answer else (),
    )
