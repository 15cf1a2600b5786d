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


RELEASES = (
    "Release notes of the widget library.\n\n"
    "The widget library 1.12 added a dark theme for every dialog.\n\n"
    "The widget library 1.3.12 fixed a crash in the file picker.\n\n"
    "Version 2.0 of the library dropped the legacy dialogs."
)


def test_a_version_question_is_refused_when_no_sentence_names_a_version(answerer: Answerer[MemoryIndex]) -> None:
    answer = answerer.ask("Which version of the harbour festival first had fireworks?")
    assert answer.refused and not answer.citations
    assert "version" in (answer.refusal_reason or "")


def test_a_version_question_is_answered_by_the_sentence_naming_the_version() -> None:
    answer = Answerer(Retriever(MemoryIndex([document("notes", RELEASES)]))).ask(
        "Which version of the library dropped the legacy dialogs?"
    )
    assert not answer.refused
    assert any("2.0" in c.quote for c in answer.citations)


def test_an_authorship_question_is_refused_when_no_sentence_names_anyone(answerer: Answerer[MemoryIndex]) -> None:
    answer = answerer.ask("Who founded the orchard cooperative?")
    assert answer.refused and not answer.citations
    assert "name" in (answer.refusal_reason or "")


def test_a_who_question_about_a_role_is_not_held_to_a_personal_name(answerer: Answerer[MemoryIndex]) -> None:
    # No sentence names a person; "the town council" is the answer.
    answer = answerer.ask("Who pays for the harbour festival fireworks?")
    assert not answer.refused and answer.citations


def test_a_month_in_a_question_is_a_date_not_an_unsupported_name(index: MemoryIndex) -> None:
    from citeqa.qa.evidence import Question, Vocabulary

    parsed = Question.parse("Which boats sailed at the festival in December 2021?", Vocabulary(index))
    assert "December" not in parsed.names


def test_a_fresh_question_none_of_whose_words_the_passages_hold_is_refused() -> None:
    # Dense similarity alone can run high on any corpus (here: every text shares the word "the").
    index = MemoryIndex([document("notes", RELEASES)])
    answerer = Answerer(Retriever(index), thresholds=Thresholds(min_dense=0.0))
    answer = answerer.ask("How do I get a red wine stain out of a carpet?")
    assert answer.refused and not answer.citations
    assert "do not mention" in (answer.refusal_reason or "")


def test_a_version_the_question_names_lifts_the_passage_naming_exactly_it() -> None:
    retriever = Retriever(MemoryIndex([document("notes", RELEASES)]))
    # Every other word of the question is the 1.3.12 paragraph's: the version alone decides.
    plan = Answerer(retriever).plan("Did the widget library 1.12 fix a crash in the file picker?")
    assert "1.12 added" in retriever.retrieve(plan)[0].text


def test_a_version_no_document_names_is_refused_as_a_subject_the_corpus_lacks() -> None:
    answer = Answerer(Retriever(MemoryIndex([document("notes", RELEASES)]))).ask(
        "What did the widget library 1.13 add?"
    )
    assert answer.refused and not answer.citations
    assert "1.13" in (answer.refusal_reason or "")


MANUAL = (
    "Reporting problems with the widget tool.\n\n"
    "Bug reports go to widget-bugs@example.org with a small test case.\n\n"
    "The tool keeps its settings in ~/.config/widget/settings.ini between runs."
)


def test_a_where_question_about_software_is_answered_by_an_address_or_path_as_the_short_answer() -> None:
    answerer = Answerer(Retriever(MemoryIndex([document("manual", MANUAL)])))
    report = answerer.ask("Where should widget bug reports be sent?")
    assert report.short_answer is not None and report.short_answer.text == "widget-bugs@example.org"
    settings = answerer.ask("Where does the widget tool keep its settings?")
    assert settings.short_answer is not None and settings.short_answer.text == "~/.config/widget/settings.ini"


def test_a_yes_no_question_is_not_held_to_the_place_its_clause_mentions(index: MemoryIndex) -> None:
    from citeqa.qa.evidence import Question, Vocabulary

    vocab = Vocabulary(index)
    assert Question.parse("Does it matter to the council which country a performer comes from?", vocab).slot is None
    assert Question.parse("Is it fine to bring a dog to the festival?", vocab).slot is None
    assert Question.parse("Did the festival cost more than 30 dollars?", vocab).slot == "amount"
    assert Question.parse("What fines are there for parking on the quay?", vocab).slot == "penalty"


FAQ = (
    "Frequently asked questions about the widget tool.\n\n"
    "Can the widget tool read compressed archives? "
    "No, the widget tool reads plain files only and leaves archives to other programs."
)


def test_an_faq_question_is_answered_by_what_follows_it_not_by_itself() -> None:
    answer = Answerer(Retriever(MemoryIndex([document("faq", FAQ)]))).ask(
        "Can the widget tool read compressed archives?"
    )
    assert not answer.refused
    assert not any(c.quote.endswith("?") for c in answer.citations)
    assert any("plain files only" in c.quote for c in answer.citations)


FAQ_BLOCKS = (
    "Widget questions.\n\n"
    "Will the widget tool run on a 64-bit machine?\n\n"
    "Yes. It has been tested on 64-bit machines and needs no changes."
)


def test_an_faq_answer_in_the_next_paragraph_is_cited_whole_when_it_opens_with_a_bare_yes() -> None:
    answer = Answerer(Retriever(MemoryIndex([document("faq", FAQ_BLOCKS)]))).ask(
        "Will the widget tool run on a 64-bit machine?"
    )
    assert any(c.quote == "Yes. It has been tested on 64-bit machines and needs no changes." for c in answer.citations)


FAQ_TWICE = (
    "Widget questions.\n\n"
    "12. Is the widget tool subject to export rules?  What is its export class?\n\n"
    "It needs no licence to be shipped abroad, and is classed as open."
)


def test_an_faq_entry_asking_twice_over_is_answered_by_what_follows_its_last_question() -> None:
    answer = Answerer(Retriever(MemoryIndex([document("faq", FAQ_TWICE)]))).ask(
        "Is the widget tool subject to export rules?"
    )
    assert not answer.refused
    assert not any(c.quote.endswith("?") for c in answer.citations)
    assert any("classed as open" in c.quote for c in answer.citations)


NEWS = (
    "News of the widget tool.\n\n"
    "# Changes in release 3.3 (2013-03-24)\n\n"
    "The tool accepts a new option, --no-follow, that leaves links alone.\n\n"
    "# Changes in release 3.2 (2012-09-01)\n\n"
    "The manual moved to a new licence."
)


def test_a_release_question_is_answered_by_the_line_and_the_heading_it_stands_under() -> None:
    answer = Answerer(Retriever(MemoryIndex([document("news", NEWS)]))).ask(
        "Which release added the --no-follow option?"
    )
    assert not answer.refused
    quotes = [c.quote for c in answer.citations]
    assert "# Changes in release 3.3 (2013-03-24)" in quotes
    assert any("--no-follow" in q for q in quotes)
    assert answer.short_answer is not None and answer.short_answer.text == "release 3.3"


def test_a_follow_up_date_question_reads_its_subject_from_the_question_before() -> None:
    history = [
        Turn(role="user", content="What does the --no-follow option of the widget tool do?"),
        Turn(role="assistant", content="It leaves links alone."),
    ]
    answer = Answerer(Retriever(MemoryIndex([document("news", NEWS)]))).ask("and when did it come out?", history)
    assert answer.short_answer is not None and answer.short_answer.text == "2013-03-24"


def test_a_sentence_holding_only_the_question_s_own_words_adds_nothing(index: MemoryIndex) -> None:
    from citeqa.qa.evidence import Question, Vocabulary, adds_nothing, asked_terms

    vocab = Vocabulary(index)
    asked = asked_terms(Question.parse("Why was the harbour festival 2.4 moved?", vocab), vocab)
    assert adds_nothing("Harbour festival 2.4", asked, vocab)
    assert not adds_nothing("The harbour festival 2.4 moved to the quay.", asked, vocab)


def test_a_numbered_section_heading_is_not_a_version(index: MemoryIndex) -> None:
    from citeqa.qa.evidence import Question, Vocabulary
    from citeqa.qa.slots import fills

    vocab = Vocabulary(index)
    question = Question.parse("Which release added the delta filter?", vocab)
    assert not fills(question, "5.3.2. Delta", vocab)
    assert fills(question, "The delta filter arrived in 5.3.2.", vocab)


def test_a_refusal_names_the_missing_words_as_the_question_wrote_them(answerer: Answerer[MemoryIndex]) -> None:
    reason = answerer.ask("Which volcanoes erupted and were studied?").refusal_reason or ""
    assert "“volcanoes”" in reason and "“erupted”" in reason and "“studied”" in reason


def test_a_single_name_beside_a_verb_of_saying_answers_who_said_it(index: MemoryIndex) -> None:
    from citeqa.qa.evidence import Question, Vocabulary
    from citeqa.qa.slots import fills

    vocab = Vocabulary(index)
    question = Question.parse("Who said the fireworks are free?", vocab)
    assert question.slot == "person"
    assert fills(question, '"The fireworks are free," Morgan said.', vocab)
    assert fills(question, "The fireworks are free, according to Morgan.", vocab)
    assert not fills(question, "The fireworks are free for everyone.", vocab)


def test_the_date_of_another_version_does_not_answer_when_a_version_came_out() -> None:
    text = "Widget history.\n\nWidget 1.3.12 was released on 2007-04-13.\n\nWidget 1.12 added a dark theme for dialogs."
    answer = Answerer(Retriever(MemoryIndex([document("history", text)]))).ask("When was widget 1.12 released?")
    assert answer.refused and not answer.citations


def test_a_rule_of_stars_is_no_candidate_sentence() -> None:
    from citeqa.qa.evidence import Question, Vocabulary, score_sentences
    from citeqa.qa.models import Passage

    text = "The manifesto asks for lanterns on every boat.\n\n**********************"
    index = MemoryIndex([document("notes", text)])
    passages = [
        Passage(paragraph_id=pid, document_id="notes", source_file="notes.txt", text=p.text, start=0, end=0, score=1)
        for pid in index.paragraph_ids()
        for p in [index.paragraph(pid)]
    ]
    vocab = Vocabulary(index)
    question = Question.parse("What does the manifesto ask for?", vocab)
    scored = score_sentences(index, passages, index.embed_query("manifesto"), question, vocab)
    quoted = [text[s.span.start : s.span.end] for s in scored]
    assert quoted == ["The manifesto asks for lanterns on every boat."]


def test_a_date_about_another_named_product_does_not_answer_when_the_named_one_came_out() -> None:
    lantern = "Lantern Kit history.\n\nLantern Kit gained a dimmer in the spring."
    beacon = "Beacon notes.\n\nThe first release of the mast followed on 2009-03-01."
    index = MemoryIndex([document("lantern", lantern, "Lantern Kit"), document("beacon", beacon, "Beacon")])
    answer = Answerer(Retriever(index)).ask("When was the first release of Lantern Kit?")
    assert answer.refused and not answer.citations


def test_a_place_of_another_event_sharing_the_named_events_last_word_does_not_answer_where_it_was_held() -> None:
    notes = (
        "Festival notes.\n\n"
        "The Lantern Boat Festival was held in Porto, with boats from every harbour.\n\n"
        "The Second Winter Lantern Festival drew boats from every harbour."
    )
    answer = Answerer(Retriever(MemoryIndex([document("notes", notes)]))).ask(
        "Where was the Second Winter Lantern Festival held?"
    )
    assert answer.refused and not answer.citations
