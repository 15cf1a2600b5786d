"""Corrections of what a question asserts wrongly: what the answer cites against it."""

from __future__ import annotations

from citeqa.qa import Answerer, Retriever, Thresholds
from tests.qa.memory_index import MemoryIndex, document

SPEC = (
    "Each version of the spec is kept as a file: version 1.0 of the spec is at example.org/spec-1.0.txt.\n\n"
    "Version history of the spec.\n\n"
    "1.0   2009-01-14   The first official version.\n\n"
    "1.1   2022-12-11   A filter was added."
)


def test_a_wrong_year_is_corrected_by_the_sentence_dating_what_the_question_names() -> None:
    # Bag-of-words similarities are low: let strong-enough evidence correct rather than refuse.
    index = MemoryIndex([document("spec", SPEC, "The spec", "2022-12-11")])
    answerer = Answerer(Retriever(index), thresholds=Thresholds(min_dense_unknown=0.0))
    answer = answerer.ask("Version 1.0 of the spec came out in 2012, right?")
    assert answer.premise_corrected and "2012" in answer.answer.splitlines()[0]
    assert "2009-01-14" in answer.citations[0].quote
    # The document's own date (the 1.1 release) does not answer for version 1.0.
    assert not any("2022" in c.quote for c in answer.citations)
