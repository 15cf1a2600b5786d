"""What fills the slot a question asks for: a value the question itself states never does."""

from __future__ import annotations

import pytest

from citeqa.qa.evidence import Question, Vocabulary, fills
from tests.qa.memory_index import MemoryIndex, document


@pytest.fixture
def vocab() -> Vocabulary:
    return Vocabulary(MemoryIndex([document("rules", "Version 1.9 of the rules was ratified in 2022.")]))


def test_a_figure_the_question_states_does_not_answer_how_many(vocab: Vocabulary) -> None:
    question = Question.parse("How many members voted for version 1.9 of the rules?", vocab)
    assert not fills(question, "Version 1.9 of the rules was ratified in March.", vocab)
    assert fills(question, "Version 1.9 of the rules was adopted by 212 votes.", vocab)


def test_the_year_the_question_states_does_not_answer_when(vocab: Vocabulary) -> None:
    question = Question.parse("When were the rules ratified in 2022?", vocab)
    assert not fills(question, "The rules were ratified in 2022.", vocab)
    assert fills(question, "The rules were ratified on March 26th, 2022.", vocab)


def test_the_name_asked_about_is_not_its_own_author(vocab: Vocabulary) -> None:
    question = Question.parse("Who wrote the Harbour Manifesto?", vocab)
    assert not fills(question, "The Harbour Manifesto was revised in 1994.", vocab)
    assert fills(question, "The Harbour Manifesto was written by Ian A. Murdock.", vocab)
