"""The objectives of the sentence-choice fit and of the type-detector measurement."""

from __future__ import annotations

from citeqa.evals.fit_sentences import f_beta
from citeqa.evals.measure_types import score
from citeqa.qa.evidence import Question


def test_the_fit_prefers_precise_citations_to_complete_ones() -> None:
    assert f_beta(0.8, 0.4) > f_beta(0.4, 0.8)
    assert f_beta(0.0, 0.0) == 0.0
    assert abs(f_beta(0.5, 0.5) - 0.5) < 1e-9


def test_a_detector_is_scored_on_gold_recall_and_on_what_else_it_accepts() -> None:
    question = Question("When?", "date", None, (), (), (), ())
    labelled = [(("c", "date", "On May 1.", True), question), (("c", "date", "It rained.", False), question)]
    figures = score([True, True], labelled, seconds=0.002)
    assert figures["gold_recall"] == 1.0 and figures["other_accepted"] == 1.0
    assert figures["ms_per_sentence"] == 1.0
    assert score([True, False], labelled, 0.0)["other_accepted"] == 0.0
