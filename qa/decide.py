"""What the evidence for a question looks like, in numbers: the features an answer-or-refuse decision reads.

evals/fit_decision.py fits a logistic decision over these features on the tune halves of every dev corpus
(evals/results/decision.json). Measured there, it separated the unanswerable questions that pass the
typed checks (qa/assess.py) no better than the hand-set cut-offs (on topic, near-miss: the retrieval
scores overlap), so the answerer keeps the cut-offs and the features stay for the next model to use.
"""

from __future__ import annotations

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
