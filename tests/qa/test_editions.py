"""Editions of one text in a corpus: the older gives way to the newer unless the question names it."""

from __future__ import annotations

from citeqa.qa import Answerer, Retriever
from citeqa.qa.editions import superseded
from citeqa.qa.retrieve import Weights
from tests.qa.memory_index import MemoryIndex, document

CLAUSES = (
    "Members meet in the boat shed on the first Monday of every month.\n\n"
    "The treasurer keeps the accounts and reports them to every meeting.\n\n"
    "A member may leave the cooperative at any time by telling the secretary.\n\n"
)
OLD = (
    "Version 1.0 of the rules, adopted in 1998.\n\n"
    + CLAUSES
    + "Votes are counted by a show of hands at the meeting itself."
)
NEW = (
    "Version 2.0 of the rules, adopted in 2021.\n\n"
    + CLAUSES
    + "Votes are counted by secret ballot, posted to the secretary within a week."
)
SPEECH = "The mayor said the quay will be renewed next spring, paid for by the harbour fund."
REPORT = "Renewing the quay next spring will cost the harbour fund most of its savings, the mayor told reporters."


def editions() -> MemoryIndex:
    return MemoryIndex(
        [
            document("rules-1-0", OLD, "Rules of the cooperative (v1.0)", "1998-03-01"),
            document("rules", NEW, "Rules of the cooperative (v2.0)", "2021-05-09"),
            document("speech", SPEECH, "The mayor's speech", "2021-05-01"),
            document("report", REPORT, "Report of the speech", "2021-05-02"),
        ]
    )


def test_a_dated_text_sharing_its_paragraphs_with_a_later_one_is_superseded_by_it() -> None:
    assert superseded(editions()) == {"rules-1-0"}


def test_texts_on_one_subject_in_different_words_are_not_editions() -> None:
    index = editions()
    assert "speech" not in superseded(index) and "report" not in superseded(index)


def test_undated_editions_cannot_be_ordered_and_neither_is_superseded() -> None:
    index = MemoryIndex([document("a", OLD, "Rules"), document("b", NEW, "Rules again")])
    assert superseded(index) == frozenset()


def test_a_clause_both_editions_share_is_cited_from_the_current_one_unless_the_old_version_is_named() -> None:
    answerer = Answerer(Retriever(editions(), weights=Weights(superseded=0.4, version=0.8)))
    current = answerer.ask("How can a member leave the cooperative?")
    assert current.citations and current.citations[0].document_id == "rules"
    original = answerer.ask("How were votes counted under version 1.0 of the rules?")
    assert original.citations and original.citations[0].document_id == "rules-1-0"
