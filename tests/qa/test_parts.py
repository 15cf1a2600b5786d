"""Questions that ask two things: two versions or years, two joined parts, two compared alternatives."""

from __future__ import annotations

from citeqa.qa import Answerer, Retriever
from citeqa.qa.parts import question_parts
from tests.qa.memory_index import MemoryIndex, document

NOTES = (
    "Widget release history.\n\n"
    "Widget 1.11 was released on 2021-09-03 with a new file picker.\n\n"
    "Widget 1.12 was released on 2022-04-07 and fixed the file picker.\n\n"
    "Widget 1.10 added themes for every dialog."
)
PLANS = (
    "The harbour plan of 2019 set out 40 berths along the quay.\n\n"
    "The harbour plan of 2021 raised the quay to 65 berths.\n\n"
    "The town council meets every month."
)


def quotes(corpus: str, question: str) -> list[str]:
    answer = Answerer(Retriever(MemoryIndex([document("notes", corpus)]))).ask(question)
    return [c.quote for c in answer.citations]


def test_both_versions_a_question_compares_are_cited() -> None:
    cited = quotes(NOTES, "How long after widget 1.11 did widget 1.12 come out?")
    assert any("1.11" in q for q in cited) and any("1.12" in q for q in cited)


def test_both_years_a_question_compares_are_cited() -> None:
    cited = quotes(PLANS, "How many more berths did the 2021 harbour plan give the quay than the 2019 one?")
    assert any("2019" in q for q in cited) and any("2021" in q for q in cited)


RULES = (
    "Version 1.9 of the rules was ratified on March 26th, 2022.\n\n"
    "It supersedes version 1.8 of the rules, in force for 57 days from January 28th, 2022.\n\n"
    "The rules are kept by the secretary."
)


def test_a_value_named_beside_the_one_answering_is_cited_though_its_sentence_gives_no_duration() -> None:
    cited = quotes(RULES, "How long did version 1.8 of the rules stay in force before 1.9 replaced it?")
    assert any("57 days" in q for q in cited) and any("1.9" in q for q in cited)


SPEC = (
    "Check ID 0x0A stands for SHA-256.\n\n"
    "Check ID 0x01 stands for CRC32.\n\n"
    "Check ID 0x04 stands for CRC64.\n\n"
    "Check ID 0x00 stands for no check.\n\n"
    "Every decoder has to support stream padding.\n\n"
    "Every decoder has to support concatenated streams.\n\n"
    "Every decoder has to support the index.\n\n"
    "Every decoder has to support block headers.\n\n"
    "Supporting SHA-256 is optional for a decoder."
)


def test_a_part_pointing_back_at_a_thing_is_retrieved_with_the_part_before_it() -> None:
    answerer = Answerer(Retriever(MemoryIndex([document("spec", SPEC)])))
    plan = answerer.plan("Which check ID stands for SHA-256, and does every decoder have to support it?")
    assert "Supporting SHA-256 is optional for a decoder." in [p.text for p in answerer.retrieve(plan)]


RANGES = (
    "# Ranges\n\n"
    "1. 60001…60513 are the UIDs for home directories managed by homed.\n\n"
    "2. Homed mounts home directories with their UIDs mapped.\n\n"
    "3. 61184…65519 are the UIDs for dynamic users allocated at run time.\n\n"
    "4. Dynamic users are removed when their service stops."
)


def test_a_comparison_is_split_into_one_part_per_alternative() -> None:
    parts = question_parts("Which range is larger, the homed range or the dynamic-user range, and by how many?")
    assert parts.compared
    assert parts.texts == ("Which range is larger the homed range", "Which range is larger the dynamic-user range")
    assert question_parts("Is it red or blue?").texts == ()
    assert not question_parts("What was built, and who paid for it?").compared


def test_each_alternative_of_a_comparison_is_answered_by_a_figure_of_its_own() -> None:
    cited = quotes(RANGES, "Which range is larger, the homed range or the dynamic-user range, and by how many UIDs?")
    assert any("60001" in q for q in cited) and any("61184" in q for q in cited)
    assert not any("mapped" in q for q in cited)


RELEASES = (
    "# Changes in release 3.6 (2017-05-21)\n\n"
    "## Improvements\n\n"
    "The default algorithm has been tweaked for larger files, reversing some changes made in 3.4.\n\n"
    "# Changes in release 3.4 (2016-08-08)\n\n"
    "## Improvements\n\n"
    "The default algorithm has been adjusted to output higher-quality results.\n\n"
    "# Changes in release 3.3 (2013-03-24)\n\n"
    "The manual moved to a new licence."
)


def test_each_release_a_question_names_is_answered_by_a_line_of_that_releases_notes() -> None:
    cited = quotes(RELEASES, "The default algorithm was changed in 3.4 and again in 3.6. What did each change do?")
    assert any("tweaked" in q for q in cited) and any("higher-quality" in q for q in cited)
