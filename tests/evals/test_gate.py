"""The CI gate: the real answerer passes it on the smoke set; a non-verbatim citation fails it."""

from __future__ import annotations

from typing import Any

from citeqa.evals.dataset import Item, load_dataset
from citeqa.evals.evidence import Corpus
from citeqa.evals.gate import check, load_thresholds
from citeqa.evals.metrics import summarize
from citeqa.evals.runner import PythonTarget, Run, run
from citeqa.qa import Answerer
from tests.evals.conftest import SMOKE


class OffsetShiftingTarget(PythonTarget):
    """The real answerer, with each answer's first citation moved one character off its quote."""

    def ask(self, item: Item) -> dict[str, Any]:
        answer = super().ask(item)
        if answer["citations"]:
            answer["citations"][0]["start"] += 1
            answer["citations"][0]["end"] += 1
        return answer


def test_thresholds_hold_every_gated_metric_and_demand_verbatim_quotes() -> None:
    minimums = load_thresholds()
    assert set(minimums) == {"verbatim_rate", "text_verified_rate", "recall@5", "support_precision", "refusal_f1"}
    assert minimums["verbatim_rate"] == 1.0 and minimums["text_verified_rate"] == 1.0


def test_smoke_set_through_the_real_answerer_passes_the_gate(smoke_runs: list[Run]) -> None:
    citeqa = smoke_runs[0]
    assert citeqa.name == "citeqa"
    metrics = summarize(citeqa.scores, citeqa.kind, k=10)
    assert check(metrics, load_thresholds()) == []


def test_gate_fails_on_verbatim_rate_when_a_quote_is_not_the_text_at_its_offsets(answerer: Answerer) -> None:
    items = load_dataset(SMOKE)
    corpus = Corpus(answerer.index.documents.values())
    broken = run(OffsetShiftingTarget(answerer, 10), items, corpus.locate(items), corpus)
    metrics = summarize(broken.scores, broken.kind, k=10)
    assert metrics["verbatim_rate"] is not None and metrics["verbatim_rate"] < 1.0
    assert any(failure.startswith("verbatim_rate: ") for failure in check(metrics, load_thresholds()))


class FabricatedQuotationTarget(PythonTarget):
    """The real answerer, with a made-up quotation added to each answer's text beside its verbatim citations."""

    def ask(self, item: Item) -> dict[str, Any]:
        answer = super().ask(item)
        answer["answer"] = (
            "Xi declared: “All foreign operating systems will be banned by 2025.” [1]\n" + answer["answer"]
        )
        return answer


def test_gate_fails_an_answer_whose_text_quotes_words_its_citations_do_not_hold(answerer: Answerer) -> None:
    items = load_dataset(SMOKE)
    corpus = Corpus(answerer.index.documents.values())
    fabricated = run(FabricatedQuotationTarget(answerer, 10), items, corpus.locate(items), corpus)
    metrics = summarize(fabricated.scores, fabricated.kind, k=10)
    assert metrics["verbatim_rate"] == 1.0 and metrics["text_verified_rate"] == 0.0
    assert any(failure.startswith("text_verified_rate: ") for failure in check(metrics, load_thresholds()))


def test_gate_lists_each_metric_below_its_minimum_and_each_unmeasured_one() -> None:
    failures = check(
        {"recall@5": 0.8, "verbatim_rate": 1.0, "refusal_f1": None},
        {"recall@5": 0.85, "verbatim_rate": 1.0, "refusal_f1": 0.5, "mrr": 0.1},
    )
    assert failures == [
        "recall@5: 0.8000 is below the minimum 0.8500",
        "refusal_f1: not measured (minimum 0.5000)",
        "mrr: not measured (minimum 0.1000)",
    ]
