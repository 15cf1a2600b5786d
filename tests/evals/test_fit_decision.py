"""The logistic answer-or-refuse decision that evals/fit_decision.py fits."""

from __future__ import annotations

from citeqa.evals.fit_decision import Decision
from citeqa.qa.decide import Features


def _features(dense: float, coverage: float) -> Features:
    return Features(dense=dense, overlap=coverage, coverage=coverage, margin=0.01, unknown=0.0, typed=0.0)


def test_more_evidence_never_lowers_the_chance_to_answer() -> None:
    decision = Decision(weights=(4.0, 2.0, 3.0, 1.0, -3.0, 0.0), bias=-5.0, threshold=0.5)
    weak, strong = _features(0.6, 0.1), _features(0.9, 0.9)
    assert decision.p_answer(weak) < decision.p_answer(strong)
    assert not decision.answers(weak) and decision.answers(strong)


def test_extreme_scores_stay_finite() -> None:
    decision = Decision(weights=(1e6, 0.0, 0.0, 0.0, 0.0, 0.0), bias=0.0, threshold=0.5)
    assert decision.p_answer(_features(1.0, 0.0)) == 1.0
    assert decision.p_answer(_features(-1.0, 0.0)) < 1e-12
