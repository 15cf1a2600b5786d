"""What fills the slot a question asks for: a value the question itself states never does."""

from __future__ import annotations

import pytest

from citeqa.qa.evidence import Question, Vocabulary
from citeqa.qa.slots import fills
from tests.qa.memory_index import MemoryIndex, document


@pytest.fixture
def vocab() -> Vocabulary:
    return Vocabulary(MemoryIndex([document("rules", "Version 1.9 of the rules was ratified in 2022.")]))


def test_a_figure_the_question_states_does_not_answer_how_many(vocab: Vocabulary) -> None:
    question = Question.parse("How many members voted for version 1.9 of the rules?", vocab)
    assert not fills(question, "Version 1.9 of the rules was ratified in March.", vocab)
    assert fills(question, "Version 1.9 of the rules was adopted by 212 votes.", vocab)


def test_a_number_that_names_a_release_or_a_standard_does_not_answer_how_many(vocab: Vocabulary) -> None:
    question = Question.parse("How many members voted for the rules?", vocab)
    assert not fills(question, "Superseded by Version 1.1 ratified on June 21st, 2003.", vocab)
    assert not fills(question, "Codes follow the ISO 639 standard and RFC 5646.", vocab)
    assert fills(question, "The rules were adopted by 212 members.", vocab)


def test_the_number_of_a_list_item_does_not_answer_how_many(vocab: Vocabulary) -> None:
    question = Question.parse("How many members voted for the rules?", vocab)
    assert not fills(question, "5. The rules were put to the members by the chair.", vocab)
    assert fills(question, "5. The rules were put to 212 members by the chair.", vocab)
    assert fills(question, "5 members voted for the rules.", vocab)


def test_the_year_the_question_states_does_not_answer_when(vocab: Vocabulary) -> None:
    question = Question.parse("When were the rules ratified in 2022?", vocab)
    assert not fills(question, "The rules were ratified in 2022.", vocab)
    assert fills(question, "The rules were ratified on March 26th, 2022.", vocab)


def test_the_name_asked_about_is_not_its_own_author(vocab: Vocabulary) -> None:
    question = Question.parse("Who wrote the Harbour Manifesto?", vocab)
    assert not fills(question, "The Harbour Manifesto was revised in 1994.", vocab)
    assert fills(question, "The Harbour Manifesto was written by Ian A. Murdock.", vocab)


def test_a_title_with_an_article_names_no_author(vocab: Vocabulary) -> None:
    question = Question.parse("Who wrote the Harbour Manifesto?", vocab)
    assert not fills(question, "The Harbour Fishing Manifesto", vocab)
    assert fills(question, "Harbour Manifesto, drafted by Elena Brun", vocab)


def test_the_verb_may_is_no_month(vocab: Vocabulary) -> None:
    question = Question.parse("When were the rules ratified?", vocab)
    assert not fills(question, "The rules may be ratified by a simple majority.", vocab)
    assert fills(question, "The rules were ratified in May.", vocab)


def test_a_date_written_in_figures_answers_when(vocab: Vocabulary) -> None:
    question = Question.parse("When was the manifesto revised?", vocab)
    assert fills(question, "Written by Ada Quill, revised 01/06/94.", vocab)


def test_a_relative_where_asks_no_place(vocab: Vocabulary) -> None:
    assert Question.parse("What is the list where the rules are announced called?", vocab).slot is None
    assert Question.parse("And where are the rules announced?", vocab).slot == "place"


def test_who_holds_a_post_now_is_answered_by_a_name_not_by_the_post(vocab: Vocabulary) -> None:
    question = Question.parse("Who is the current Harbour Master?", vocab)
    assert not fills(question, "The Harbour Master is elected by the members each year.", vocab)
    assert fills(question, "The members elected Ada Quill as Harbour Master.", vocab)


def test_which_organisations_is_answered_by_their_names_not_by_the_list_asked_about(vocab: Vocabulary) -> None:
    question = Question.parse("Which organisations are on the List of Trusted Organisations?", vocab)
    assert question.slot == "organisation"
    assert not fills(question, "The project keeps a public List of Trusted Organisations.", vocab)
    assert fills(question, "The List of Trusted Organisations names the Harbour Trust and SPI.", vocab)


def test_a_post_the_corpus_writes_in_lower_case_is_no_persons_name() -> None:
    vocab = Vocabulary(
        MemoryIndex([document("rules", "The project secretary keeps the minutes. Ada Quill wrote them.")])
    )
    question = Question.parse("Who wrote the rules?", vocab)
    assert not fills(question, "The rules were drafted by the Project Secretary.", vocab)
    assert fills(question, "The rules were drafted by Ada Quill.", vocab)
