"""LLM-mode figures of an eval run, beside the usual metrics: what the checks dropped, how often the answer fell
back to the extractive one, and how long a reader waits for the first claim and for the whole answer.

Definitions (None when nothing was there to measure):
- claims_proposed / claims_admitted: claims in the model's replies, and those that passed every check.
- dropped_share[reason]: claims dropped by that check, over the claims proposed (qa.claims.DropReason).
- quotes_found_rate: proposed claims whose quote was found in the passages (the model's own verbatim rate).
- fallback_rate: answers where the extractive answer stood instead (timeout, error, malformed reply, no claim
  admitted), over the answers LLM mode was tried for; fallbacks counts them by reason.
- first_claim_ms: from the question to the first admitted claim on the stream (answers with one).
- total_ms: from the question to the finished answer, every answer; model_ms: the exchange with the model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .dataset import Item
from .runner import Target


@dataclass
class RecordingTarget:
    """A target that keeps each answer's LLM report and timings as it passes them on."""

    target: Target
    records: list[dict[str, Any]] = field(default_factory=list)
    name: str = field(init=False)
    kind: str = field(init=False)

    def __post_init__(self) -> None:
        self.name, self.kind = self.target.name, self.target.kind

    def ask(self, item: Item) -> dict[str, Any]:
        answer = self.target.ask(item)
        self.records.append({"llm": answer.get("llm"), "timings_ms": answer.get("timings_ms") or {}})
        return answer


def _percentiles(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "mean": None}
    p50, p95 = np.percentile(values, [50, 95])
    return {"p50": round(float(p50), 1), "p95": round(float(p95), 1), "mean": round(float(np.mean(values)), 1)}


def llm_summary(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    reports = [r["llm"] for r in records if isinstance(r.get("llm"), dict)]
    proposed = sum(int(r.get("proposed", 0)) for r in reports)
    dropped: Counter[str] = Counter()
    for report in reports:
        dropped.update({str(k): int(v) for k, v in (report.get("dropped") or {}).items()})
    fallbacks = Counter(str(r["fallback"]) for r in reports if r.get("fallback"))
    first = [float(r["timings_ms"]["first_claim"]) for r in records if "first_claim" in r["timings_ms"]]
    total = [float(r["timings_ms"]["total"]) for r in records if "total" in r["timings_ms"]]
    model = [float(r["model_ms"]) for r in reports if r.get("model_ms") is not None]
    return {
        "answers": len(records),
        "llm_tried": len(reports),
        "claims_proposed": proposed,
        "claims_admitted": sum(int(r.get("admitted", 0)) for r in reports),
        "dropped": dict(sorted(dropped.items())),
        "dropped_share": {k: round(v / proposed, 4) for k, v in sorted(dropped.items())} if proposed else {},
        "quotes_found_rate": round(1 - dropped["quote_not_found"] / proposed, 4) if proposed else None,
        "fallback_rate": round(sum(fallbacks.values()) / len(reports), 4) if reports else None,
        "fallbacks": dict(fallbacks.most_common()),
        "first_claim_ms": _percentiles(first),
        "total_ms": _percentiles(total),
        "model_ms": _percentiles(model),
    }


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The figures as the eval command prints them."""
    shares = ", ".join(f"{k} {v:.0%}" for k, v in summary["dropped_share"].items()) or "none"
    fallbacks = ", ".join(f"{k} {v}" for k, v in summary["fallbacks"].items()) or "none"
    rate = summary["fallback_rate"]
    found = summary["quotes_found_rate"]
    return [
        f"LLM mode: {summary['claims_admitted']} of {summary['claims_proposed']} claims admitted over "
        f"{summary['llm_tried']} answers; model quotes found verbatim {'–' if found is None else f'{found:.0%}'}",
        f"  dropped (share of proposed claims): {shares}",
        f"  fallback rate {'–' if rate is None else f'{rate:.0%}'} ({fallbacks})",
        f"  first claim ms p50 {summary['first_claim_ms']['p50']} · total ms p50 {summary['total_ms']['p50']} "
        f"p95 {summary['total_ms']['p95']} · model ms p50 {summary['model_ms']['p50']}",
    ]
