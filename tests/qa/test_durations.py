""" "How long" questions: answered by a length of time or text, or, between two events, by their dates."""

from __future__ import annotations

import pytest

from citeqa.qa import Answerer, Retriever
from citeqa.qa.evidence import Question, Vocabulary
from citeqa.qa.slots import fills
from tests.qa.memory_index import MemoryIndex, document

SETTINGS = (
    "# Settings\n\n"
    "* `WIDGET_WAIT_SEC` — takes a timespan, which controls the wait for the disk to settle. Defaults to 100 msec.\n\n"
    "* `WIDGET_RETRIES` — takes a number, which controls how often the disk is probed. Defaults to 3.\n\n"
    "* `WIDGET_DISK` — names the disk, set up by version 2 of the tool in 2019."
)


@pytest.fixture
def vocab() -> Vocabulary:
    return Vocabulary(MemoryIndex([document("settings", SETTINGS)]))


def test_a_figure_without_a_unit_does_not_answer_how_long(vocab: Vocabulary) -> None:
    question = Question.parse("How long does the widget wait for the disk?", vocab)
    assert not fills(question, "The disk is set up by version 2 of the tool, probed 3 times.", vocab)
    assert fills(question, "Defaults to 100 msec.", vocab)
    assert fills(question, "The voting period lasts for one week.", vocab)


def test_how_long_between_two_events_is_answered_by_their_dates(vocab: Vocabulary) -> None:
    question = Question.parse("How long after version 1 did version 2 come out?", vocab)
    assert fills(question, "Version 2 was released on 2019-04-07.", vocab)


def test_the_word_long_in_how_long_names_nothing_a_sentence_must_share(vocab: Vocabulary) -> None:
    assert "long" not in Question.parse("How long does the widget wait?", vocab).terms


def test_a_setting_whose_value_is_the_next_sentence_is_cited_with_it() -> None:
    answer = Answerer(Retriever(MemoryIndex([document("settings", SETTINGS)]))).ask(
        "How long does the widget wait for the disk to settle by default?"
    )
    assert answer.short_answer is not None and answer.short_answer.text == "100 msec"
    assert any(c.quote.endswith("the wait for the disk to settle. Defaults to 100 msec.") for c in answer.citations)
