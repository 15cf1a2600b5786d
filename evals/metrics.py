"""Aggregate item scores into the harness's metrics, overall, per type and per split.

Definitions (every rate is in [0, 1]; None when nothing was there to measure):
- recall@k: mean over items with gold quotes of ItemScore.recall_at(k) (passage hits gold, strict).
- recall@2000c: the same with a reading budget instead of k: the gold quote ends within the first 2,000
  characters of the passages read in rank order (compares systems whose passages differ in length).
- mrr: mean reciprocal rank of the first passage that hits any gold quote (0 when none does).
- verbatim_rate: citations whose quote == document_text[start:end], over all citations.
- text_verified_rate: answers whose text quotes only words their citations, cited paragraphs, titles or
  question hold, and carries only citeqa's own markers (evals.verify), over the answers that arrived.
- support_precision: citations overlapping a gold quote of their item, over the citations of items
  that have gold quotes (citations on unanswerable items are refusal errors, counted there).
- support_precision_lenient: the same with the lenient hit of evals.evidence (same or twin paragraph).
- citation_recall: items with gold quotes whose gold evidence is cited (ItemScore.cites_gold).
- refusal_precision/recall/f1: unanswerable items are the positives, a refusal the prediction.
- refusal_rate: share of items refused (per type: the false-refusal rate of answerable types).
- false_premise_correction: false-premise items answered with a contradicting gold quote cited.
- latency_p50_ms/latency_p95_ms: wall-clock time per question as the harness measured it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .dataset import TYPES
from .scoring import ItemScore

RECALL_KS = (1, 3, 5, 10)
READING_BUDGET = 2000  # characters: about three paragraphs, a reader's patience for finding the evidence
READING_RECALL = f"recall@{READING_BUDGET}c"
ANSWERER = "answerer"  # a configuration that answers and cites
RETRIEVAL = "retrieval"  # a configuration that only ranks passages

Metrics = dict[str, float | int | None]


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 4) if present else None


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _retrieval(scores: Sequence[ItemScore], k: int) -> Metrics:
    metrics: Metrics = {f"recall@{j}": _mean([s.recall_at(j) for s in scores]) for j in RECALL_KS if j <= k}
    metrics[READING_RECALL] = _mean([s.recall_within(READING_BUDGET) for s in scores])
    metrics["mrr"] = _mean([s.reciprocal_rank for s in scores])
    metrics["passage_chars"] = _mean([s.passage_chars for s in scores])
    return metrics


def _refusal(scores: Sequence[ItemScore]) -> Metrics:
    tp = sum(1 for s in scores if s.refused and not s.item.answerable)
    predicted = sum(1 for s in scores if s.refused)
    positives = sum(1 for s in scores if not s.item.answerable)
    precision, recall = _ratio(tp, predicted), _ratio(tp, positives)
    f1: float | None = None
    if positives:
        f1 = round(2 * precision * recall / (precision + recall), 4) if precision and recall else 0.0
    return {
        "refusal_precision": precision,
        "refusal_recall": recall,
        "refusal_f1": f1,
        "refusal_rate": _ratio(predicted, len(scores)),
    }


def _citations(scores: Sequence[ItemScore]) -> Metrics:
    every = [c for s in scores for c in s.citations]
    graded = [c for s in scores if s.item.answerable for c in s.citations]
    answerable = [s for s in scores if s.item.answerable]
    premise = [s for s in scores if s.item.type == "false-premise"]
    arrived = [s for s in scores if s.error is None]
    return {
        "citations": len(every),
        "verbatim_rate": _ratio(sum(1 for c in every if c["verbatim"]), len(every)),
        "text_verified_rate": _ratio(sum(1 for s in arrived if not s.text_problems), len(arrived)),
        "support_precision": _ratio(sum(1 for c in graded if c["supported"]), len(graded)),
        "support_precision_lenient": _ratio(sum(1 for c in graded if c["lenient"]), len(graded)),
        "citation_recall": _ratio(sum(1 for s in answerable if s.cites_gold), len(answerable)),
        "false_premise_correction": _ratio(sum(1 for s in premise if s.corrects_premise), len(premise)),
    }


def _latency(scores: Sequence[ItemScore]) -> Metrics:
    values = [s.latency_ms for s in scores]
    if not values:
        return {"latency_p50_ms": None, "latency_p95_ms": None}
    p50, p95 = np.percentile(values, [50, 95])
    return {"latency_p50_ms": round(float(p50), 1), "latency_p95_ms": round(float(p95), 1)}


def summarize(scores: Sequence[ItemScore], kind: str, k: int) -> Metrics:
    """One flat metrics dict; answer metrics only for configurations that answer."""
    metrics: Metrics = {"items": len(scores), "errors": sum(1 for s in scores if s.error)}
    metrics.update(_retrieval(scores, k))
    if kind == ANSWERER:
        metrics.update(_citations(scores))
        metrics.update(_refusal(scores))
    metrics.update(_latency(scores))
    return metrics


def _grouped(
    scores: Sequence[ItemScore], key: Callable[[ItemScore], str], order: Sequence[str]
) -> dict[str, list[ItemScore]]:
    groups: dict[str, list[ItemScore]] = {}
    for score in scores:
        groups.setdefault(key(score), []).append(score)
    return {name: groups[name] for name in [*order, *sorted(set(groups) - set(order))] if name in groups}


def breakdown(scores: Sequence[ItemScore], kind: str, k: int) -> dict[str, Any]:
    """Metrics for all items, per type, per split, and per split and type."""
    splits = _grouped([s for s in scores if s.item.split], lambda s: s.item.split, ["tune", "heldout"])
    return {
        "all": summarize(scores, kind, k),
        "by_type": {t: summarize(g, kind, k) for t, g in _grouped(scores, lambda s: s.item.type, TYPES).items()},
        "by_split": {name: summarize(g, kind, k) for name, g in splits.items()},
        "by_split_type": {
            name: {t: summarize(g, kind, k) for t, g in _grouped(group, lambda s: s.item.type, TYPES).items()}
            for name, group in splits.items()
        },
    }


def failures(scores: Sequence[ItemScore], kind: str) -> list[dict[str, Any]]:
    """What went wrong per item: the question, the expected quotes, what was cited or retrieved."""
    rows = []
    for s in scores:
        reasons = s.answer_failures() if kind == ANSWERER else s.retrieval_failures()
        if not reasons:
            continue
        if kind == ANSWERER:
            # Why an answer missed: was the evidence never retrieved, or retrieved and not picked?
            reasons += [r for r in s.retrieval_failures() if r not in reasons]
        rows.append(
            {
                "id": s.item.id,
                "type": s.item.type,
                "split": s.item.split,
                "question": s.item.question,
                "history": list(s.item.history),
                "reasons": reasons,
                "expected": [{"doc": g.doc, "quote": g.quote} for g in s.item.gold_quotes],
                "cited": [{"doc": c["doc"], "quote": c["quote"], "supported": c["supported"]} for c in s.citations],
                "refused": s.refused,
                "retrieved": list(s.retrieved),
                "gold_ranks": list(s.gold_ranks),
            }
        )
    return rows
