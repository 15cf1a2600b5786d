"""The answerer's rules on an in-memory index of a few sentences: refusals, evidence, follow-ups, plans."""

from __future__ import annotations

import pytest

from citeqa.qa import Answerer, Retriever, Thresholds, Turn
from citeqa.qa.quotes import is_verbatim
from tests.qa.memory_index import MemoryIndex, document

HARBOUR = (
    "The harbour festival began as a fishermen's market.\n\n"
    "The festival is held every summer in Valmora, at the old quay. "
    "Boats are decorated with lanterns for the opening night.\n\n"
    "Tickets cost nothing, and the town council pays for the fireworks."
)
ORCHARD = (
    "The orchard cooperative grows apples and pears on the northern slopes.\n\n"
    "Its members share one cider press and sell their juice at the weekly market."
)


@pytest.fixture
def index() -> MemoryIndex:
    return MemoryIndex(
        [document("harbour", HARBOUR, "Harbour festival", "2021-06-01"), document("orchard", ORCHARD, "Orchard")]
    )


@pytest.fixture
def answerer(index: MemoryIndex) -> Answerer[MemoryIndex]:
    return Answerer(Retriever(index))


def test_question_sharing_no_words_with_the_corpus_is_refused_without_citations(
    answerer: Answerer[MemoryIndex],
) -> None:
    answer = answerer.ask("How do volcanoes erupt?")
    assert answer.refused
    assert answer.citations == []
    assert "Nothing in the corpus addresses" in (answer.refusal_reason or "")


def test_answer_cites_the_sentence_holding_the_asked_words_verbatim(answerer: Answerer[MemoryIndex]) -> None:
    answer = answerer.ask("What do the orchard members share?")
    assert not answer.refused
    assert any("cider press" in c.quote for c in answer.citations)
    assert all(is_verbatim(c, answerer.index.documents) for c in answer.citations)
    assert all(f"[{c.marker}]" in answer.answer for c in answer.citations)


def test_place_question_is_answered_by_the_sentence_naming_the_place(answerer: Answerer[MemoryIndex]) -> None:
    answer = answerer.ask("Where is the harbour festival held?")
    assert not answer.refused
    assert any("Valmora" in c.quote for c in answer.citations)


def test_place_question_is_refused_when_no_sentence_names_a_place(index: MemoryIndex) -> None:
    answer = Answerer(Retriever(index)).ask("Where does the orchard cooperative sell its juice?")
    assert answer.refused and not answer.citations
    assert "does not give the place" in (answer.refusal_reason or "")


def test_follow_up_reads_the_earlier_question_and_answers_from_its_topic(answerer: Answerer[MemoryIndex]) -> None:
    history = [
        Turn(role="user", content="What happens at the harbour festival?"),
        Turn(role="assistant", content="Boats are decorated with lanterns."),
    ]
    answer = answerer.ask("Who pays for its fireworks?", history)
    assert "harbour festival" in answer.retrieval_query
    assert any("fireworks" in c.quote for c in answer.citations)


def test_no_text_is_embedded_twice_for_one_question(index: MemoryIndex) -> None:
    answerer = Answerer(Retriever(index))
    history = [Turn(role="user", content="What happens at the harbour festival?")]
    for question, turns in (
        ("What do the orchard members share, and where is the harbour festival held?", []),
        ("And who pays for the fireworks there?", history),
        ("What do the orchard members share?", []),
    ):
        index.embedded.clear()
        answerer.ask(question, turns)
        assert index.embedded, "the question was never embedded"
        assert max(index.embedded.values()) == 1, index.embedded


def test_plan_of_a_two_part_question_retrieves_each_part(answerer: Answerer[MemoryIndex]) -> None:
    plan = answerer.plan("What do the orchard members share, and where is the harbour festival held?")
    assert plan.parts == ("What do the orchard members share", "where is the harbour festival held")
    passages = answerer.retrieve(plan)
    assert {p.document_id for p in passages[:2]} == {"orchard", "harbour"}


def test_a_place_question_opens_with_the_place_as_a_cited_short_answer(answerer: Answerer[MemoryIndex]) -> None:
    answer = answerer.ask("Where is the harbour festival held?")
    assert answer.short_answer is not None
    assert answer.short_answer.text == "Valmora"
    first = answer.citations[0]
    assert (first.marker, first.quote) == (answer.short_answer.marker, "Valmora")
    assert is_verbatim(first, answerer.index.documents)
    assert answer.answer.startswith("Valmora [1]")


def test_an_open_question_has_no_short_answer(answerer: Answerer[MemoryIndex]) -> None:
    assert answerer.ask("What do the orchard members share?").short_answer is None


SPEC = (
    "Frontends must take the lock before they write.\n\n"
    "The lock is kept at «admindir/lock-frontend» and is released on exit.\n\n"
    "Version 2 of the protocol was published in 2019."
)


def test_where_question_about_a_system_is_answered_by_a_path() -> None:
    answer = Answerer(Retriever(MemoryIndex([document("spec", SPEC)]))).ask("Where is the frontend lock kept?")
    assert not answer.refused
    assert any("admindir/lock-frontend" in c.quote for c in answer.citations)


def test_when_asking_for_a_condition_is_not_refused_for_want_of_a_date() -> None:
    answer = Answerer(Retriever(MemoryIndex([document("spec", SPEC)]))).ask("When must frontends take the lock?")
    assert not answer.refused
    assert any("before they write" in c.quote for c in answer.citations)


def test_when_asking_for_a_date_opens_with_the_year() -> None:
    answer = Answerer(Retriever(MemoryIndex([document("spec", SPEC)]))).ask(
        "When was version 2 of the protocol published?"
    )
    assert answer.short_answer is not None and answer.short_answer.text == "2019"


def test_a_year_naming_a_dated_document_is_never_called_unsupported(index: MemoryIndex) -> None:
    answer = Answerer(Retriever(index)).ask("What do the orchard members share, according to the 2021 report?")
    assert not answer.premise_corrected


def test_a_year_no_document_is_dated_and_no_passage_holds_is_corrected(index: MemoryIndex) -> None:
    # Bag-of-words similarities are low: let strong-enough evidence correct rather than refuse.
    answerer = Answerer(Retriever(index), thresholds=Thresholds(min_dense_unknown=0.0))
    answer = answerer.ask("Why are boats decorated with lanterns at the 1987 harbour festival?")
    assert answer.premise_corrected
    assert "1987" in answer.answer.splitlines()[0]


def test_digits_inside_a_name_are_not_asserted_numbers(index: MemoryIndex) -> None:
    from citeqa.qa.evidence import Question, Vocabulary

    parsed = Question.parse("Does GPT-4 or the x86 build cost 30 dollars?", Vocabulary(index))
    assert parsed.numbers == ("30",)


def test_a_ranking_whose_fused_scores_are_all_zero_still_retrieves(index: MemoryIndex) -> None:
    retriever = Retriever(index, dense_weight=0.0, lexical_weight=0.0)
    plan = Answerer(retriever).plan("What do the orchard members share?")
    assert retriever.retrieve(plan)
